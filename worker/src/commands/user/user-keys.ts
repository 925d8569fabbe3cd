/** @module API key pairs: generated, sealed at rest, readable only by their owner or a root admin. */
import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import type { SecretBox } from "../../lib/crypto";
import { randomToken } from "../../lib/ids";

export const USER_KEYS_FIELDS = {
	apikey: ["string", "the api key of the registered user"],
	secretkey: ["string", "the secret key of the registered user"],
	apikeyaccess: ["string", "whether api key access is Enabled, Disabled or Inherit"],
} as const;

/** 64 random bytes, URL-safe Base64 without padding: 86 characters, like CloudStack's keys. */
export function newKeyPair(): { apikey: string; secretkey: string } {
	return { apikey: randomToken(64), secretkey: randomToken(64) };
}

/**
 * The statements that store a key pair, for the caller's batch (an array, because a drizzle
 * query on its own is a thenable that would run when awaited). A key used by another user is refused.
 */
export async function storeKeyPair(
	db: Db,
	secrets: SecretBox,
	userId: string,
	pair: { apikey: string; secretkey: string },
) {
	const [owner] = await db.select({ id: users.id }).from(users).where(eq(users.apiKey, pair.apikey)).limit(1);
	if (owner && owner.id !== userId)
		throw new CsError(ERROR.paramError, "The api key is already in use by another user");
	return [
		db
			.update(users)
			.set({ apiKey: pair.apikey, secretKeyEnc: await secrets.seal(pair.secretkey) })
			.where(eq(users.id, userId)),
	];
}
