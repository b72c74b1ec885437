export * from "./sampleSubmission";
export * from "./certificates";
export * from "./pkiCities";
