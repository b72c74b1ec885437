import type { Bilingual } from "./bilingual";

export type DomainErrorCode = "ILLEGAL_TRANSITION" | "FORBIDDEN_ACTOR" | "INVALID_COMMAND";

/** The google.rpc.Code a transport should answer with (gRPC 状态码). */
export type GrpcStatusName = "FAILED_PRECONDITION" | "PERMISSION_DENIED" | "INVALID_ARGUMENT";

/**
 * Base of the errors `decide` throws (领域错误): a stable `code`, the gRPC status to map it to,
 * and a bilingual text; `message` is "中文 / English".
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  abstract readonly grpcStatus: GrpcStatusName;
  readonly text: Bilingual;

  protected constructor(text: Bilingual) {
    super(`${text.zh} / ${text.en}`);
    this.name = new.target.name;
    this.text = text;
  }
}
