import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { CaseError, EnvelopeTooLarge, caseNotFound } from "@tongban/exchange";
import { IllegalTransition } from "@tongban/lifecycle";
import { AppError } from "@tongban/rpc";
import { toAppError } from "./grpcErrors";

describe("the node's one mapping of domain errors to gRPC", () => {
  it("when the exchange refuses, then the status and reason are the error's own", () => {
    const e = toAppError(new CaseError("FAILED_PRECONDITION", "请先认领案件 / claim the case first", "LEASE_REQUIRED")) as AppError;
    expect(e).toBeInstanceOf(AppError);
    expect([e.code, e.reason, e.message]).toEqual([status.FAILED_PRECONDITION, "LEASE_REQUIRED", "请先认领案件 / claim the case first"]);
    expect((toAppError(caseNotFound("01X")) as AppError).code).toBe(status.NOT_FOUND);
  });

  it("when input is bad, then the fields at fault travel as violations", () => {
    const e = toAppError(CaseError.invalid("lease_seconds", "认领时长最多 28800 秒 / lease is at most 28800 s")) as AppError;
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.violations).toEqual([{ field: "lease_seconds", description: "认领时长最多 28800 秒 / lease is at most 28800 s" }]);
    const big = toAppError(new EnvelopeTooLarge("case.submitted", 2_000_000, 921_600)) as AppError;
    expect(big.violations[0]?.field).toBe("submission");
  });

  it("when the lifecycle refuses a transition, then FAILED_PRECONDITION with ILLEGAL_TRANSITION; anything else passes through", () => {
    const e = toAppError(new IllegalTransition("CLOSED", "Accept")) as AppError;
    expect([e.code, e.reason]).toEqual([status.FAILED_PRECONDITION, "ILLEGAL_TRANSITION"]);
    const other = new Error("boom");
    expect(toAppError(other)).toBe(other);
  });
});
