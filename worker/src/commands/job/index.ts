import { listAsyncJobs } from "./listAsyncJobs";
import { queryAsyncJobResult } from "./queryAsyncJobResult";

export const jobCommands = [queryAsyncJobResult, listAsyncJobs];
