import { createDomain } from "./createDomain";
import { deleteDomain } from "./deleteDomain";
import { listDomainChildren } from "./listDomainChildren";
import { listDomains } from "./listDomains";
import { updateDomain } from "./updateDomain";

export const domainCommands = [createDomain, updateDomain, deleteDomain, listDomains, listDomainChildren];
