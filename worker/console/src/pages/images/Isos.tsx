/** @module ISOs: the shared image list for listIsos/registerIso. */
import { ImageList } from "./ImageList";
import { ISO_KIND } from "./kinds";

export function Isos(_props: { params: Record<string, string | undefined> }) {
	return <ImageList kind={ISO_KIND} />;
}
