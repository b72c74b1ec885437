import type { OpsProbe } from "./adapters/opsProbe";
import type { MonitorViews } from "./monitorViews";

/**
 * The monitor's JSON API as the dashboard receives it: the views' own return types, with every
 * Date as the ISO string JSON turns it into (a branded string, e.g. an item code, stays a string).
 * The dashboard (src/dashboard) imports these types, so a change of a view that the page does not
 * follow fails the type check.
 */
export type Json<T> = T extends Date
  ? string
  : T extends string | number | boolean
    ? T
    : T extends (infer U)[]
      ? Json<U>[]
      : T extends readonly (infer U)[]
        ? readonly Json<U>[]
        : T extends object
          ? { [K in keyof T]: Json<T[K]> }
          : T;

export type Labels = Json<ReturnType<MonitorViews["labels"]>>;
export type Overview = Json<ReturnType<MonitorViews["overview"]>>;
export type CaseDetail = Json<NonNullable<Awaited<ReturnType<MonitorViews["caseDetail"]>>>>;
export type CaseSummaryView = CaseDetail["summary"];
/** A joint application (多地联办) with every leg: GET /api/joints/:jointId, and each entry of GET /api/joints. */
export type JointDetail = Json<NonNullable<Awaited<ReturnType<MonitorViews["joint"]>>>>;
export type JointLegDetail = JointDetail["legs"][number];
export type DeadLetterView = Json<Awaited<ReturnType<MonitorViews["deadLetters"]>>[number]>;
export type LagRow = Json<Awaited<ReturnType<OpsProbe["lag"]>>[number]>;
export type HealthRow = Json<Awaited<ReturnType<OpsProbe["health"]>>[number]>;

export interface SessionInfo {
  loginRequired: boolean;
  operator?: { id: string; name: string; city: string };
  expiresAt?: string;
}
