import type { Collection, Db } from "mongodb";
import type { CaseSubmitted, JointCaseView, JointLegView, JointRef } from "@tongban/contracts";
import { DomainError } from "@tongban/lifecycle";
import type { CaseDoc } from "./caseDoc";
import { handleCase } from "./caseHandler";
import { CaseError, receiptConflict } from "./caseErrors";
import { type ExchangeContext, loadCase } from "./exchangeContext";
import {
  type JointState,
  decisionOf,
  jointFingerprint,
  jointStateLabelled,
  legNames,
  legOutcome,
  plannedLegView,
  startedLegView,
} from "./jointView";
import { registerSubmission } from "./registerSubmission";
import { requestCommand } from "./requestCommand";

export const JOINT_CASES = "joint_cases";

/** One leg as the application plans it: its case id is fixed when the application is registered. */
export interface JointLegPlan {
  role: string;
  caseId: string;
  homeNode: string;
  homeDepartment: string;
  waitsFor: string[];
}

/**
 * A joint application (多地联办) as the receiving window's node keeps it: what the applicant
 * handed in (the template of every leg's submission, personal data in clear as for any case this
 * node's windows received), the legs with their case ids, and the applicant's withdrawal. Written
 * once, and once more on withdrawal; everything else about it is derived from its legs' cases.
 */
export interface JointDoc {
  _id: string;
  /** `<node>:<receipt no>`: one application per window receipt, like a case. */
  receiptKey: string;
  receiptNo: string;
  itemCode: string;
  requestHash: string;
  identityVerified: boolean;
  /** The application without a home (home_node and home_department empty) and without a joint ref. */
  submission: CaseSubmitted;
  legs: JointLegPlan[];
  withdrawal?: { requestId: string; reason: string; clerk: string; at: Date };
  createdAt: Date;
}

export type JointRegistered = { created: true; doc: JointDoc } | { created: false; existing: JointDoc };

/**
 * The joint applications this node's windows registered, and the coordinator that runs them: a leg
 * starts (as an ordinary case sent to its home, or a local one when homed here) once every leg it
 * waits for was approved, with their decisions; a refused or denied leg ends the application and
 * withdraws the open legs; so does the applicant's withdrawal; every change of a leg is reported to
 * the homes of the others. Everything it does is derived from the legs' cases and repeated until
 * it holds (reconcile), so a crash anywhere — between a leg's decision and the next leg's start,
 * or before a report — is repaired at the next change or at start; each step is idempotent (a
 * leg's case id and receipt key are fixed, withdrawals and reports carry their own ids).
 */
export class JointApplications {
  private readonly byId = new Map<string, JointDoc>();
  private readonly byReceipt = new Map<string, string>();
  private readonly byLeg = new Map<string, string>();
  private lastVersion = 0;

  private constructor(
    private readonly ctx: ExchangeContext,
    private readonly coll: Collection<JointDoc>,
  ) {}

  /** Loads every joint application of the node (few: they are a handful of the catalog's items). */
  static async open(ctx: ExchangeContext, db: Db): Promise<JointApplications> {
    const coll = db.collection<JointDoc>(JOINT_CASES);
    await coll.createIndex({ receiptKey: 1 }, { unique: true, name: "receipt_key_unique" });
    const apps = new JointApplications(ctx, coll);
    for (const doc of await coll.find({}).toArray()) apps.remember(doc);
    return apps;
  }

  private remember(doc: JointDoc): void {
    this.byId.set(doc._id, doc);
    this.byReceipt.set(doc.receiptKey, doc._id);
    for (const l of doc.legs) this.byLeg.set(l.caseId, doc._id);
  }

  get(jointId: string): JointDoc | undefined {
    return this.byId.get(jointId);
  }

  byReceiptKey(receiptKey: string): JointDoc | undefined {
    const id = this.byReceipt.get(receiptKey);
    return id ? this.byId.get(id) : undefined;
  }

  /** The application a leg's case belongs to. */
  ofLeg(caseId: string): string | undefined {
    return this.byLeg.get(caseId);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /**
   * Registers an application and starts the legs that wait for nothing. A retry (same receipt)
   * gets the existing one; a receipt already used by an ordinary case is a conflict.
   */
  async register(doc: JointDoc): Promise<JointRegistered> {
    const outcome = await this.ctx.lock.run(`receipt:${doc.receiptKey}`, async (): Promise<JointRegistered> => {
      const known = this.byReceiptKey(doc.receiptKey);
      if (known) return { created: false, existing: known };
      const single = this.ctx.receipts.get(doc.receiptKey);
      if (single) throw receiptConflict(doc.receiptNo, single);
      this.ctx.assertWriter?.();
      await this.coll.insertOne(doc);
      this.remember(doc);
      return { created: true, doc };
    });
    await this.reconcile(outcome.created ? doc._id : outcome.existing._id);
    return outcome;
  }

  /**
   * The applicant withdraws the application: no leg starts any more, and every started leg that
   * may still be withdrawn is. A repeated request id is a duplicate; an application that already
   * ended cannot be withdrawn.
   */
  async withdraw(
    jointId: string,
    w: { requestId: string; reason: string; clerk: string },
  ): Promise<{ view: JointCaseView; duplicate: boolean }> {
    const doc = this.byId.get(jointId);
    if (!doc) throw jointNotFound(jointId);
    const duplicate = await this.ctx.lock.run(`joint:${jointId}`, async () => {
      const current = this.byId.get(jointId)!;
      if (current.withdrawal?.requestId === w.requestId) return true;
      const state = (await this.view(current)).state as JointState;
      if (state !== "IN_PROGRESS") {
        throw new CaseError(
          "FAILED_PRECONDITION",
          `联办申请已${jointStateLabelled(state).stateZh}，不能撤回 / the joint application is ${state}; it cannot be withdrawn`,
          "JOINT_ENDED",
        );
      }
      const withdrawal = { ...w, at: this.ctx.now() };
      this.ctx.assertWriter?.();
      await this.coll.updateOne({ _id: jointId }, { $set: { withdrawal } });
      this.byId.set(jointId, { ...current, withdrawal });
      return false;
    });
    await this.reconcile(jointId);
    return { view: await this.view(this.byId.get(jointId)!), duplicate };
  }

  /** The application with every leg's state, as this node knows it now. */
  async view(doc: JointDoc): Promise<JointCaseView> {
    const legs = await Promise.all(doc.legs.map((l) => loadCase(this.ctx, l.caseId)));
    return this.viewOf(doc, legs);
  }

  private viewOf(doc: JointDoc, legs: (CaseDoc | undefined)[]): JointCaseView {
    const now = this.ctx.now();
    let state: JointState = "IN_PROGRESS";
    let reasons: string[] = [];
    let endedByLeg = "";
    if (doc.withdrawal) {
      state = "WITHDRAWN";
      reasons = doc.withdrawal.reason ? [doc.withdrawal.reason] : [];
    } else {
      // A leg withdrawn here was withdrawn because another one ended the application.
      const endedLeg = (d: CaseDoc | undefined, withdrawn: boolean) =>
        d !== undefined && legOutcome(d) === "ended" && (d.state.status === "WITHDRAWN") === withdrawn;
      const first = legs.findIndex((d) => endedLeg(d, false));
      const ended = first >= 0 ? first : legs.findIndex((d) => endedLeg(d, true));
      if (ended >= 0) {
        const d = legs[ended]!;
        state = "REFUSED";
        endedByLeg = doc.legs[ended]!.role;
        const s = d.state;
        reasons =
          s.status === "NOT_ACCEPTED"
            ? [...(s.refusal?.reasons ?? [])]
            : s.status === "WITHDRAWN"
              ? [s.withdrawal?.reason ?? ""].filter(Boolean)
              : [...(decisionOf(d)?.reasons ?? [])];
      } else if (legs.every((d) => d !== undefined && legOutcome(d) === "closed")) state = "COMPLETED";
    }
    const views: JointLegView[] = doc.legs.map((plan, i) => {
      const d = legs[i];
      return d
        ? startedLegView(plan, doc.itemCode, d, now)
        : plannedLegView(plan, doc.itemCode, state === "IN_PROGRESS" ? "WAITING" : "CANCELLED");
    });
    const updated = legs.reduce((m, d) => (d && d.updatedAt > m ? d.updatedAt : m), doc.withdrawal?.at ?? doc.createdAt);
    return {
      jointId: doc._id,
      receiptNo: doc.receiptNo,
      itemCode: doc.itemCode,
      receivingNode: this.ctx.nodeId,
      ...jointStateLabelled(state),
      reasons,
      endedByLeg,
      legs: views,
      createdAt: doc.createdAt,
      updatedAt: updated,
    };
  }

  /** A leg's case changed (or the node started): bring its application up to date, in the background. */
  changed(caseId: string): void {
    const jointId = this.byLeg.get(caseId);
    if (jointId) void this.reconcile(jointId).catch((err) => this.ctx.log.warn({ err, jointId }, "joint application not reconciled"));
  }

  /** Every application that has not ended (at start, after a crash). */
  async reconcileAll(): Promise<void> {
    for (const id of this.byId.keys()) await this.reconcile(id);
  }

  /**
   * Makes the application's legs what its state calls for: starts the legs whose prerequisites
   * were approved, withdraws the open legs of an ended application, and reports the application
   * to every started leg whose last report differs. Idempotent; serialised per application.
   */
  reconcile(jointId: string): Promise<void> {
    return this.ctx.lock.run(`joint:${jointId}`, async () => {
      const doc = this.byId.get(jointId);
      if (!doc) return;
      let legs = await Promise.all(doc.legs.map((l) => loadCase(this.ctx, l.caseId)));
      let view = this.viewOf(doc, legs);
      if (view.state === "IN_PROGRESS") {
        let started = false;
        for (const [i, plan] of doc.legs.entries()) {
          if (legs[i]) continue;
          const before = plan.waitsFor.map((role) => doc.legs.findIndex((l) => l.role === role));
          if (before.some((j) => j < 0 || !legs[j] || legOutcome(legs[j]!) === "open")) continue;
          await this.startLeg(
            doc,
            plan,
            before.map((j) => [doc.legs[j]!, legs[j]!] as const),
          );
          started = true;
        }
        if (started) {
          legs = await Promise.all(doc.legs.map((l) => loadCase(this.ctx, l.caseId)));
          view = this.viewOf(doc, legs);
        }
      } else if (view.state === "REFUSED" || view.state === "WITHDRAWN") {
        const reason =
          view.state === "WITHDRAWN"
            ? doc.withdrawal?.reason || "申请人撤回联办申请 / the applicant withdrew the joint application"
            : `联办申请因${legNames(doc.itemCode, view.endedByLeg).zh}未通过而终止 / the joint application ended: leg '${view.endedByLeg}' was refused`;
        for (const [i, d] of legs.entries()) {
          if (!d || legOutcome(d) !== "open") continue;
          await this.withdrawLeg(doc, doc.legs[i]!, reason);
        }
        legs = await Promise.all(doc.legs.map((l) => loadCase(this.ctx, l.caseId)));
        view = this.viewOf(doc, legs);
      }
      await this.report(view, legs);
    });
  }

  private async startLeg(doc: JointDoc, plan: JointLegPlan, decided: readonly (readonly [JointLegPlan, CaseDoc])[]): Promise<void> {
    const joint: JointRef = {
      jointId: doc._id,
      legRole: plan.role,
      legs: doc.legs.map((l) => ({ ...l, waitsFor: [...l.waitsFor] })),
      prerequisites: decided.map(([p, d]) => {
        const decision = decisionOf(d);
        return {
          role: p.role,
          caseId: p.caseId,
          homeNode: p.homeNode,
          homeDepartment: p.homeDepartment,
          outcome: decision?.outcome ?? "",
          documentRef: decision?.documentRef ?? "",
          decidedAt: decision?.decidedAt,
        };
      }),
    };
    const submission: CaseSubmitted = { ...doc.submission, homeNode: plan.homeNode, homeDepartment: plan.homeDepartment, joint };
    const r = await registerSubmission(this.ctx, {
      caseId: plan.caseId,
      submission,
      identityVerified: doc.identityVerified,
      requestHash: `${doc.requestHash}/${plan.role}`,
    });
    if (r.created) this.ctx.log.info({ jointId: doc._id, leg: plan.role, caseId: plan.caseId, home: plan.homeNode }, "joint leg started");
    else await this.ctx.caseLog.aheadOf(plan.caseId)?.durable;
  }

  private async withdrawLeg(doc: JointDoc, plan: JointLegPlan, reason: string): Promise<void> {
    try {
      await requestCommand(this.ctx, plan.caseId, `joint-withdraw:${doc._id}:${plan.role}`, doc.withdrawal?.clerk ?? "joint", {
        type: "Withdraw",
        actor: "receiving",
        data: { reason },
      });
    } catch (err) {
      // Moved on meanwhile (e.g. decided): the lifecycle says it can no longer be withdrawn.
      if (!(err instanceof DomainError)) throw err;
      this.ctx.log.info({ jointId: doc._id, leg: plan.role, code: err.code }, "joint leg not withdrawn");
    }
  }

  /** Each started leg's copy of the application, and its home's when remote, follow the latest view. */
  private async report(view: JointCaseView, legs: (CaseDoc | undefined)[]): Promise<void> {
    const fingerprint = jointFingerprint(view);
    for (const d of legs) {
      if (!d || (d.jointReport && jointFingerprint(d.jointReport.joint) === fingerprint)) continue;
      this.lastVersion = Math.max(this.lastVersion + 1, this.ctx.now().getTime());
      const version = this.lastVersion;
      const done = await handleCase(this.ctx, d._id, () => ({
        set: { jointReport: { version, joint: view } },
        messages: [{ event: { $case: "jointStatusReported", value: { joint: view, version } } }],
      }));
      await done?.durable;
    }
  }
}

export function jointNotFound(jointId: string): CaseError {
  return new CaseError("NOT_FOUND", `联办申请 ${jointId} 不存在 / joint application ${jointId} not found`, "JOINT_NOT_FOUND");
}
