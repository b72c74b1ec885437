import type { Bilingual } from "./bilingual";
import type { CaseCommandType } from "./caseCommand";
import { commandLabels } from "./commandLabels";
import { DomainError } from "./domainError";

/** One bad field, shaped like google.rpc.BadRequest.FieldViolation; `field` is a path inside `data`. */
export interface FieldViolation {
  readonly field: string;
  /** "中文 / English". */
  readonly description: string;
}

/** The command's data is malformed (指令数据无效). Maps to INVALID_ARGUMENT. */
export class InvalidCommand extends DomainError {
  readonly code = "INVALID_COMMAND" as const;
  readonly grpcStatus = "INVALID_ARGUMENT" as const;
  readonly command: CaseCommandType;
  readonly violations: readonly FieldViolation[];

  constructor(command: CaseCommandType, violations: readonly FieldViolation[]) {
    const commandLabel = commandLabels[command];
    const fields = violations.map((v) => v.field).join(", ");
    const text: Bilingual = {
      zh: `「${commandLabel.zh}」的数据无效：${fields}`,
      en: `Cannot ${commandLabel.en}: invalid ${fields}`,
    };
    super(text);
    this.command = command;
    this.violations = violations;
  }
}
