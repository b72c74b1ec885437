import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from "mongodb";
import { describe, expect, it } from "vitest";
import { describeError, isTransientError } from "./transientError";

describe("isTransientError", () => {
  it("when the store or the broker cannot be reached, then the error is transient", () => {
    expect(isTransientError(new MongoNetworkError("connection 1 to 127.0.0.1:27018 closed"))).toBe(true);
    expect(isTransientError(new MongoServerSelectionError("Server selection timed out after 3000 ms", { type: "Unknown" } as never))).toBe(
      true,
    );
    expect(isTransientError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:19092"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("Connection error"), { name: "KafkaJSConnectionError" }))).toBe(true);
    expect(isTransientError(new Error("flush failed", { cause: new MongoNetworkError("reset") }))).toBe(true);
  });

  it("when the error is about the request or record itself, then it is not transient", () => {
    expect(isTransientError(new TypeError("cannot read properties of undefined"))).toBe(false);
    expect(isTransientError(new MongoServerError({ message: "E11000 duplicate key error", code: 11000 }))).toBe(false);
    expect(isTransientError(new RangeError("offset out of range"))).toBe(false);
    expect(isTransientError("a string")).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});

describe("describeError", () => {
  it("when an error is described, then only its class and message are kept, bounded in length", () => {
    expect(describeError(new TypeError("bad input"))).toBe("TypeError: bad input");
    expect(describeError(new Error("x".repeat(2_000)), 20)).toBe(`Error: ${"x".repeat(13)}…`);
  });
});
