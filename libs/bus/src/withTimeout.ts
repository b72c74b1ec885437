/**
 * Resolves when `work` settles or after `ms`, whichever comes first; a rejection of `work` is
 * reported through `onError` instead of thrown. For closing clients whose disconnect can hang
 * while their server is unreachable: shutdown must go on.
 */
export async function settleWithin(
  work: Promise<unknown>,
  ms: number,
  onTimeout?: () => void,
  onError?: (err: unknown) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    const r = await Promise.race([work.then(() => "done" as const), timeout]);
    if (r === "timeout") onTimeout?.();
  } catch (err) {
    onError?.(err);
  } finally {
    clearTimeout(timer);
  }
}
