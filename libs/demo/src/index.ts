export * from "./sampleSubmission";
export * from "./certificates";
