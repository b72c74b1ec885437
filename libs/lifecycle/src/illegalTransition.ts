import type { Bilingual } from "./bilingual";
import type { CaseCommandType } from "./caseCommand";
import type { CaseStatus } from "./caseStatuses";
import { commandLabels } from "./commandLabels";
import { DomainError } from "./domainError";
import { stateLabels } from "./stateLabels";

/**
 * The command is not allowed in the case's current status (状态不允许该操作), or a once-only or
 * time-bound rule forbids it; `reason` then says which. Maps to FAILED_PRECONDITION.
 */
export class IllegalTransition extends DomainError {
  readonly code = "ILLEGAL_TRANSITION" as const;
  readonly grpcStatus = "FAILED_PRECONDITION" as const;
  readonly state: CaseStatus;
  readonly command: CaseCommandType;
  readonly reason: Bilingual | undefined;
  /** Machine-readable cause for clients (google.rpc.ErrorInfo reason), e.g. MATERIALS_REQUIRED. */
  readonly errorReason: string;

  constructor(state: CaseStatus, command: CaseCommandType, reason?: Bilingual, errorReason = "ILLEGAL_TRANSITION") {
    const stateLabel = stateLabels[state];
    const commandLabel = commandLabels[command];
    super({
      zh: `当前状态为「${stateLabel.zh}」，不能执行「${commandLabel.zh}」${reason ? `：${reason.zh}` : ""}`,
      en: `Cannot ${commandLabel.en}: case is in state ${state}${reason ? ` (${reason.en})` : ""}`,
    });
    this.state = state;
    this.command = command;
    this.reason = reason;
    this.errorReason = errorReason;
  }
}
