/** Exhaustiveness check for `switch` statements over a union (穷举检查). */
export function assertNever(value: never): never {
  throw new Error(`未处理的取值 / Unhandled value: ${JSON.stringify(value)}`);
}
