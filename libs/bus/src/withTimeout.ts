/**
 * Resolves when `work` settles or after `ms`, whichever comes first; a rejection of `work`
 * (even one after the timeout) is reported through `onError` instead of thrown. For closing
 * clients whose disconnect can hang while their server is unreachable: shutdown must go on.
 */
export async function settleWithin(
  work: Promise<unknown>,
  ms: number,
  onTimeout?: () => void,
  onError?: (err: unknown) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => "done" as const,
    (err: unknown) => {
      onError?.(err);
      return "failed" as const;
    },
  );
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    if ((await Promise.race([settled, timeout])) === "timeout") onTimeout?.();
  } finally {
    clearTimeout(timer);
  }
}
