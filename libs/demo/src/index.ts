export * from "./sampleSubmission";
