import { makeGenericClientConstructor } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import type { Caller } from "./clients";

const HealthClient = makeGenericClientConstructor(healthService as never, "grpc.health.v1.Health");

export type HealthState = "SERVING" | "NOT_SERVING" | "UNKNOWN" | "SERVICE_UNKNOWN" | "UNREACHABLE";

/** grpc.health.v1 Check against `address`; never throws, reports UNREACHABLE instead. */
export function checkHealth(address: string, caller: Caller, service = "", deadlineMs = 1_000): Promise<HealthState> {
  const client = new HealthClient(address, caller.credentials, caller.options);
  return new Promise<HealthState>((resolve) => {
    (client as unknown as { check: Function }).check(
      { service },
      { deadline: new Date(Date.now() + deadlineMs) },
      (err: { code?: number } | null, res: { status?: string | number } | undefined) => {
        client.close();
        if (err) return resolve(err.code === 5 ? "SERVICE_UNKNOWN" : "UNREACHABLE");
        const s = res?.status;
        resolve(s === "SERVING" || s === 1 ? "SERVING" : s === "NOT_SERVING" || s === 2 ? "NOT_SERVING" : "UNKNOWN");
      },
    );
  });
}
