import { type ServiceDefinition, type UntypedServiceImplementation, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { observeUnary, statusName } from "./rpcObserver";

const method = (path: string, stream = false) => ({
  path,
  requestStream: stream,
  responseStream: stream,
  requestSerialize: (x: unknown) => x as Buffer,
  requestDeserialize: (x: Buffer) => x,
  responseSerialize: (x: unknown) => x as Buffer,
  responseDeserialize: (x: Buffer) => x,
});
const definition = {
  getCase: method("/tongban.v1.IntakeService/GetCase"),
  watch: method("/tongban.v1.IntakeService/Watch", true),
} as unknown as ServiceDefinition;

describe("observeUnary", () => {
  it("when a unary call is answered, then the observer hears method, status name and time, and the answer passes unchanged", () => {
    const heard: [string, string, number][] = [];
    const err = { code: status.NOT_FOUND, details: "没有 / none" };
    const impl = {
      getCase: (_call: unknown, cb: (e: unknown, r?: unknown) => void) => cb(err, null),
      watch: () => undefined,
    } as unknown as UntypedServiceImplementation;
    const wrapped = observeUnary(definition, impl, { called: (m, c, s) => void heard.push([m, c, s]) });
    const answers: unknown[][] = [];
    (wrapped.getCase as unknown as (call: unknown, cb: (...a: unknown[]) => void) => void)({}, (...a) => answers.push(a));
    expect(answers).toEqual([[err, null]]);
    expect(heard).toEqual([["tongban.v1.IntakeService/GetCase", "NOT_FOUND", expect.any(Number)]]);
    expect(wrapped.watch).toBe(impl.watch);
  });

  it("when the observer throws, then the caller still gets the answer", () => {
    const impl = {
      getCase: (_c: unknown, cb: (e: unknown, r?: unknown) => void) => cb(null, { ok: 1 }),
    } as unknown as UntypedServiceImplementation;
    const wrapped = observeUnary(definition, impl, {
      called: () => {
        throw new Error("metrics broke");
      },
    });
    const answers: unknown[][] = [];
    (wrapped.getCase as unknown as (call: unknown, cb: (...a: unknown[]) => void) => void)({}, (...a) => answers.push(a));
    expect(answers).toEqual([[null, { ok: 1 }]]);
  });

  it("when statuses are named, then no error is OK and a missing code is UNKNOWN", () => {
    expect(statusName(null)).toBe("OK");
    expect(statusName({ code: status.INVALID_ARGUMENT })).toBe("INVALID_ARGUMENT");
    expect(statusName({})).toBe("UNKNOWN");
  });
});
