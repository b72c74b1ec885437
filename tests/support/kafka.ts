import { inject } from "vitest";
import { Bus, type BusConnection } from "@tongban/bus";
import { createLogger } from "@tongban/log";
import { busConnectionAs, kafkaEnvAs, kafkaPrincipals, kafkaSettingsAs } from "@tongban/runtime";

/**
 * A Kafka connection as `principal` (default the provisioner, the broker's super user: the tests'
 * own reads, and the forged records they publish as an outsider who got onto the broker).
 */
export const kafkaAs = (clientId: string, principal: string = kafkaPrincipals.admin): BusConnection =>
  busConnectionAs(inject("kafkaAccess"), principal, clientId);

/** A bus as `principal` (see kafkaAs). */
export const busAs = (clientId: string, principal?: string): Bus =>
  new Bus(kafkaAs(clientId, principal), createLogger({ service: clientId, level: process.env.TEST_LOG_LEVEL ?? "silent" }));

/** KAFKA_* environment of a service process connecting as `principal`. */
export const kafkaEnv = (principal: string): Record<string, string> => kafkaEnvAs(inject("kafkaAccess"), principal);

/** The Kafka configuration keys of a service configured in process, connecting as `principal`. */
export const kafkaSettings = (principal: string) => kafkaSettingsAs(inject("kafkaAccess"), principal);
