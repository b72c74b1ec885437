/** Time limits in working days (办理时限, 工作日). */
export interface TimeLimits {
  /** From receipt by the home authority to a correction request or an intake answer (补正告知期限). */
  readonly correctionRequestDays: number;
  /** From acceptance to the decision (审批期限). */
  readonly decisionDays: number;
  /** Added once when the head of the authority grants an extension (延长期限). */
  readonly extensionDays: number;
  /** From the decision to delivery of the result (送达期限). */
  readonly deliveryDays: number;
}

/** The limits of the Administrative Licensing Law (行政许可法第三十二、四十二、四十四条). */
export const statutoryTimeLimits: TimeLimits = {
  correctionRequestDays: 5,
  decisionDays: 20,
  extensionDays: 10,
  deliveryDays: 10,
};
