import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { sampleSubmission } from "@tongban/demo";
import { type Tracing, startTracing } from "@tongban/runtime";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";

// Tracing across cities: the spans of one case — the window's intake call, each Kafka produce
// and consume, the home clerk's command — form one tree, carried between nodes in the envelope's
// W3C trace context.

describe("one trace per case across cities", () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let cities: CityNode[];
  const city = (id: string) => cities.find((c) => c.id === id)!;

  beforeAll(async () => {
    tracing = startTracing("tongban-test", [new SimpleSpanProcessor({ exporter })]);
    cities = await startCities(isolation(), ["xiamen", "quanzhou"]);
  });
  afterAll(async () => {
    await stopCities(cities);
    await tracing.shutdown();
  });

  it("when a Xiamen window submits, Quanzhou receives and a clerk accepts, then intake → home consumer → clerk command → window update is one tree", async () => {
    const { caseId } = await apis(city("xiamen")).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", 9701));
    await queuedIn(city("quanzhou"), caseId, "RECEIVED_BY_HOME");
    await apis(city("quanzhou")).claim(caseId);
    await apis(city("quanzhou")).exec(caseId, { $case: "signForMaterials", value: {} });
    await apis(city("quanzhou")).exec(caseId, { $case: "accept", value: {} });
    await sentCaseIn(city("xiamen"), caseId, "ACCEPTED");

    const ofCase = (s: ReadableSpan) => s.attributes["case.id"] === caseId;
    const spans = await eventually("the window applied the acceptance", async () => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => ofCase(s) && s.name === "kafka.consume case.accepted") ? all : undefined;
    });
    const intake = spans.find((s) => s.name === "grpc SubmitCase")!;
    const traceId = intake.spanContext().traceId;
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => (s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined);
    /** The names from the root down to `s`. */
    const path = (s: ReadableSpan): string[] => {
      const p = parentOf(s);
      return p ? [...path(p), s.name] : [s.name];
    };
    const find = (name: string) => spans.find((s) => ofCase(s) && s.name === name && s.spanContext().traceId === traceId);

    expect(intake.parentSpanContext).toBeUndefined();
    expect(path(find("kafka.consume case.submitted")!)).toEqual([
      "grpc SubmitCase",
      "kafka.produce case.submitted",
      "kafka.consume case.submitted",
    ]);
    expect(path(find("kafka.consume case.received")!)).toEqual([
      "grpc SubmitCase",
      "kafka.produce case.forwarded",
      "kafka.consume case.forwarded",
      "kafka.produce case.received",
      "kafka.consume case.received",
    ]);
    // The clerk's command has its own call span; the change it makes continues the case's trace
    // (under the home's consume of the submission), linked to that call.
    const accept = find("kafka.consume case.accepted")!;
    expect(path(accept)).toEqual([
      "grpc SubmitCase",
      "kafka.produce case.submitted",
      "kafka.consume case.submitted",
      "case.change",
      "kafka.produce case.accepted",
      "kafka.consume case.accepted",
    ]);
    const change = parentOf(parentOf(accept)!)!;
    // Two commands: the paper signed for, then the acceptance (finished last).
    const commands = spans.filter((s) => s.name === "grpc ExecuteCommand");
    expect(commands).toHaveLength(2);
    const command = commands.at(-1)!;
    expect(change.links.map((l) => l.context.spanId)).toEqual([command.spanContext().spanId]);
    // Spans carry ids, never the applicant's data.
    const text = JSON.stringify(spans.map((s) => [s.name, s.attributes]));
    expect(text).not.toContain(sampleSubmission(network.node("xiamen")!, "quanzhou", 9701).applicant!.name);
  });
});
