import { textProblem } from "@tongban/bounds";

/** A request parameter out of its bounds: answered 400 with this message (中文 / English). */
export class BadParam extends Error {
  constructor(
    readonly param: string,
    problem: string,
  ) {
    super(`参数 ${param} 无效 / invalid parameter ${param}: ${problem}`);
    this.name = "BadParam";
  }
}

/** The value when within `max` characters and free of control characters, else BadParam. */
export function param(name: string, value: string, max: number): string {
  const problem = textProblem(value, max);
  if (problem) throw new BadParam(name, problem);
  return value;
}

/** A yes/no switch: absent, "" or "0" is no, "1" is yes, anything else BadParam. */
export function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new BadParam(name, "应为 0 或 1 / must be 0 or 1");
}
