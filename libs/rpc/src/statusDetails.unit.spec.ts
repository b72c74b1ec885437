import { status } from "@grpc/grpc-js";
import { MongoNetworkTimeoutError, MongoServerSelectionError } from "mongodb";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { AppError } from "./appError";
import { toServiceError } from "./statusDetails";

const log = pino({ level: "silent" });

describe("toServiceError", () => {
  it("when a handler fails because the store is unreachable, then the caller gets UNAVAILABLE with a bilingual message", () => {
    for (const err of [
      new MongoServerSelectionError("Server selection timed out after 3000 ms", { type: "Unknown" } as never),
      new MongoNetworkTimeoutError("connection timed out"),
    ]) {
      const e = toServiceError(err, log, "SubmitCase");
      expect(e.code).toBe(status.UNAVAILABLE);
      expect(e.details).toMatch(/^服务暂时不可用.* \/ service temporarily unavailable/);
      expect(e.details).not.toContain("3000 ms");
    }
  });

  it("when a handler fails in another unknown way, then the caller gets UNKNOWN with no internals", () => {
    const e = toServiceError(new TypeError("secret internals"), log, "SubmitCase");
    expect(e.code).toBe(status.UNKNOWN);
    expect(e.details).toBe("内部错误 / internal error");
  });

  it("when a handler throws an AppError, then its own code is kept", () => {
    expect(toServiceError(AppError.notFound("未找到 / not found"), log, "GetCase").code).toBe(status.NOT_FOUND);
  });
});
