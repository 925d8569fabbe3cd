/**
 * @module What the delivery engine runs on (publisher, consumer, executeWebhookDelivery): D1,
 * the queue, settings, the secret box and injectable time and randomness, built from the Worker's
 * bindings once per invocation.
 */
import { createDb, type Db } from "../db/client";
import { loadSettings } from "../db/settings";
import type { Settings } from "../domain/settings";
import { type SecretBox, secretBoxFor } from "../lib/crypto";

/** One queue message per delivery attempt to schedule; the consumer reads the rest from D1. */
export interface DeliveryMessage {
	deliveryId: string;
}

export interface EngineDeps {
	d1: D1Database;
	db: Db;
	queue: Queue<DeliveryMessage>;
	settings: Settings;
	secrets: SecretBox;
	now(): number;
	/** In [0, 1), for backoff jitter. */
	random(): number;
}

export async function engineDeps(env: Env): Promise<EngineDeps> {
	const db = createDb(env.DB);
	return {
		d1: env.DB,
		db,
		queue: env.WEBHOOK_DELIVERIES as Queue<DeliveryMessage>,
		settings: await loadSettings(db, Date.now()),
		secrets: secretBoxFor(env.SECRET_KEK),
		now: () => Date.now(),
		random: () => Math.random(),
	};
}

/** States a delivery can be in; the first two are still being worked on. */
export const DELIVERY_STATE = {
	pending: "Pending",
	retrying: "Retrying",
	succeeded: "Succeeded",
	failed: "Failed",
} as const;

export const OPEN_STATES_SQL = "('Pending', 'Retrying')";
