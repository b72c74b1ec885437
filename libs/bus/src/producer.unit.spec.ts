import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from "kafkajs";
import { describe, expect, it } from "vitest";
import { classifyPublishError } from "./producer";

const protocol = (type: string, retriable: boolean) => new KafkaJSProtocolError({ type, code: 0, retriable, message: type } as never);
/** How kafkajs's retrier wraps an error it does not retry. */
const bailed = (cause: Error) =>
  new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(cause, { cause });
const exhausted = (cause: Error) => new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 2_000 } as never);

describe("classifyPublishError", () => {
  it("when the broker refuses a record for its size or content, then the failure is permanent and concerns that record", () => {
    for (const type of ["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "CORRUPT_MESSAGE"]) {
      expect(classifyPublishError(bailed(protocol(type, false)))).toEqual({
        code: type,
        kind: "permanent",
        topicWide: false,
      });
    }
  });

  it("when the topic is not authorised, then the failure is permanent for the whole topic", () => {
    expect(classifyPublishError(protocol("TOPIC_AUTHORIZATION_FAILED", false))).toEqual({
      code: "TOPIC_AUTHORIZATION_FAILED",
      kind: "permanent",
      topicWide: true,
    });
  });

  it("when retries ran out on an unknown topic, then it is permanent only if it persists", () => {
    expect(classifyPublishError(exhausted(protocol("UNKNOWN_TOPIC_OR_PARTITION", true)))).toEqual({
      code: "UNKNOWN_TOPIC_OR_PARTITION",
      kind: "permanentAfterWait",
      topicWide: true,
    });
  });

  it("when the broker is unreachable, slow or moving leaders, then the failure is transient", () => {
    expect(classifyPublishError(exhausted(new KafkaJSConnectionError("Connection error: ECONNREFUSED"))).kind).toBe("transient");
    expect(classifyPublishError(new KafkaJSRequestTimeoutError("Request Produce timed out")).kind).toBe("transient");
    expect(classifyPublishError(exhausted(protocol("NOT_LEADER_FOR_PARTITION", true)))).toEqual({
      code: "NOT_LEADER_FOR_PARTITION",
      kind: "transient",
      topicWide: false,
    });
    expect(classifyPublishError(new Error("something else")).kind).toBe("transient");
  });
});
