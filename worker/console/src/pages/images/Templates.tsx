/** @module Templates: the shared image list for listTemplates/registerTemplate. */
import { ImageList } from "./ImageList";
import { TEMPLATE_KIND } from "./kinds";

export function Templates(_props: { params: Record<string, string | undefined> }) {
	return <ImageList kind={TEMPLATE_KIND} />;
}
