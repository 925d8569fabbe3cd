import { copyIso } from "./copyIso";
import { copyTemplate } from "./copyTemplate";
import { createTemplate } from "./createTemplate";
import { deleteIso } from "./deleteIso";
import { deleteTemplate } from "./deleteTemplate";
import { extractIso } from "./extractIso";
import { extractTemplate } from "./extractTemplate";
import { listIsoPermissions } from "./listIsoPermissions";
import { listIsos } from "./listIsos";
import { listTemplatePermissions } from "./listTemplatePermissions";
import { listTemplates } from "./listTemplates";
import { prepareTemplate } from "./prepareTemplate";
import { registerIso } from "./registerIso";
import { registerTemplate } from "./registerTemplate";
import { updateIso } from "./updateIso";
import { updateIsoPermissions } from "./updateIsoPermissions";
import { updateTemplate } from "./updateTemplate";
import { updateTemplatePermissions } from "./updateTemplatePermissions";

export const templateCommands = [
	registerTemplate,
	listTemplates,
	updateTemplate,
	deleteTemplate,
	copyTemplate,
	listTemplatePermissions,
	updateTemplatePermissions,
	prepareTemplate,
	extractTemplate,
	createTemplate,
	registerIso,
	listIsos,
	updateIso,
	deleteIso,
	copyIso,
	listIsoPermissions,
	updateIsoPermissions,
	extractIso,
];
