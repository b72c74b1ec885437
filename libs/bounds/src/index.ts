export * from "./limits";
export * from "./checks";
export * from "./boundsTable";
