import type { Actor } from "./actors";
import { actorLabels } from "./actorLabels";
import type { Bilingual } from "./bilingual";
import type { CaseCommandType } from "./caseCommand";
import { commandLabels } from "./commandLabels";
import { DomainError } from "./domainError";

/**
 * The command was issued by the wrong side (无权执行该操作). Checked before the status, so a side
 * learns nothing about a case from commands it may not issue. Maps to PERMISSION_DENIED.
 */
export class ForbiddenActor extends DomainError {
  readonly code = "FORBIDDEN_ACTOR" as const;
  readonly grpcStatus = "PERMISSION_DENIED" as const;
  readonly actor: Actor;
  readonly command: CaseCommandType;
  readonly allowed: readonly Actor[];
  readonly reason: Bilingual | undefined;

  constructor(actor: Actor, command: CaseCommandType, allowed: readonly Actor[], reason?: Bilingual) {
    const commandLabel = commandLabels[command];
    const allowedZh = allowed.map((a) => `「${actorLabels[a].zh}」`).join("或");
    const allowedEn = allowed.map((a) => actorLabels[a].en).join(" or ");
    super({
      zh: `「${actorLabels[actor].zh}」不能执行「${commandLabel.zh}」，只有${allowedZh}可以${reason ? `（${reason.zh}）` : ""}`,
      en: `The ${actorLabels[actor].en} may not ${commandLabel.en}; only the ${allowedEn} may` + (reason ? ` (${reason.en})` : ""),
    });
    this.actor = actor;
    this.command = command;
    this.allowed = allowed;
    this.reason = reason;
  }
}
