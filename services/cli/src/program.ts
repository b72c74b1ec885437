import { Command, CommanderError, InvalidArgumentError } from "commander";
import { MAX_CODE_LENGTH, MAX_ID_LENGTH, textProblem } from "@tongban/bounds";
import { devPkiCities } from "@tongban/demo";
import { type Role, defaultPkiDir, ensureDevPki, issueIdentity, roles, spiffeUri } from "@tongban/identity";
import type { CliContext } from "./cliContext";
import { listDeadLetters } from "./listDeadLetters";
import { registerQuarantineCommands } from "./quarantineCommands";
import { rebuildNode } from "./rebuildCommand";
import { replayDeadLetters } from "./replayDeadLetters";
import { healthTargets, showHealth } from "./showHealth";
import { departmentCodes, issueToken, parseTtl } from "./issueToken";
import { showLag } from "./showLag";
import { traceCase } from "./traceCase";

// A Kafka offset is a signed 64-bit number: at most 19 digits.
const offsetArg = (v: string) => {
  if (!/^\d{1,19}$/.test(v)) throw new InvalidArgumentError("偏移量须为非负整数 / offset must be a non-negative integer");
  return v;
};
const MAX_PARTITION = 100_000;
const partitionArg = (v: string) => {
  if (!/^\d{1,6}$/.test(v) || Number(v) >= MAX_PARTITION) {
    throw new InvalidArgumentError(
      `分区须为小于${MAX_PARTITION}的非负整数 / partition must be a non-negative integer below ${MAX_PARTITION}`,
    );
  }
  return Number(v);
};

/** A usage mistake found after parsing (unknown node, conflicting options): exit code 2. */
class UsageError extends Error {}

/** An argument within its bounds and free of control characters, or a usage error naming it (never echoing it). */
function bounded(name: string, value: string, max: number): string {
  const problem = textProblem(value, max);
  if (problem) throw new UsageError(`参数 ${name} 无效 / invalid ${name}: ${problem}`);
  return value;
}

/**
 * The `tongban` operator CLI. Each command is a plain function of the context (see the
 * command modules); this only parses arguments. Resolves to the process exit code:
 * 0 ok, 1 the answer is bad news (unknown case, unhealthy service, skipped replays), 2 usage.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode = 0;
  const known = ctx.network.nodes.map((n) => n.id);
  const nodesOf = (node: string | undefined): string[] => {
    if (node === undefined) return known;
    bounded("--node", node, MAX_CODE_LENGTH);
    if (!known.includes(node)) throw new UsageError(`未知节点 / unknown node ${node} (known: ${known.join(", ")})`);
    return [node];
  };

  const program = new Command()
    .name("tongban")
    .description("通办交换运维工具 / Tongban Exchange operator CLI")
    .exitOverride()
    .configureOutput({ writeOut: (s) => void ctx.out.write(s), writeErr: (s) => void ctx.out.write(s) })
    .showHelpAfterError();

  program
    .command("trace")
    .description("办件跨城轨迹 / the cross-city timeline of a case")
    .argument("<caseId>", "办件编号 / case id")
    .action(async (caseId: string) => {
      const steps = await traceCase(ctx, bounded("caseId", caseId, MAX_ID_LENGTH));
      if (steps.length === 0) exitCode = 1;
    });

  const dlq = program.command("dlq").description("死信 / dead letters");
  dlq
    .command("list")
    .description("列出死信 / list dead letters with reason, code and source")
    .option("--node <node>", "仅此节点 / only this node")
    .action(async (o: { node?: string }) => {
      await listDeadLetters(ctx, nodesOf(o.node));
    });
  dlq
    .command("replay")
    .description("重放死信到来源主题 / publish dead letters again to their source topic")
    .option("--node <node>", "仅此节点 / only this node")
    .option("--all", "全部死信 / every dead letter")
    .option("--offset <offset>", "此偏移量的死信 / the dead letter at this offset", offsetArg)
    .option("--partition <partition>", "死信主题分区 / partition of the dead-letter topic (with --offset)", partitionArg, 0)
    .option("--code <code>", "仅此代码 / only dead letters with this code")
    .action(async (o: { node?: string; all?: boolean; offset?: string; partition: number; code?: string }) => {
      if (Boolean(o.all) === (o.offset !== undefined)) {
        throw new UsageError("请指定 --all 或 --offset 之一 / give exactly one of --all and --offset");
      }
      const r = await replayDeadLetters(ctx, nodesOf(o.node), {
        ...(o.all ? { all: true } : { offset: o.offset!, partition: o.partition }),
        ...(o.code ? { code: bounded("--code", o.code, MAX_CODE_LENGTH) } : {}),
      });
      if (r.skipped.length > 0 || (r.replayed === 0 && !o.all)) exitCode = 1;
    });

  program
    .command("lag")
    .description("各节点消费积压 / consumer lag per node")
    .option("--node <node>", "仅此节点 / only this node")
    .action(async (o: { node?: string }) => {
      const rows = await showLag(ctx, nodesOf(o.node));
      if (rows.some((r) => r.error)) exitCode = 1;
    });

  program
    .command("health")
    .description("各节点各服务健康检查 / grpc.health.v1 of every service of every node")
    .option("--node <node>", "仅此节点 / only this node")
    .action(async (o: { node?: string }) => {
      const reports = await showHealth(ctx, healthTargets(ctx.network, ctx.nodesHost, nodesOf(o.node)));
      if (reports.some((r) => r.state !== "SERVING")) exitCode = 1;
    });

  program
    .command("token")
    .description("签发开发用经办人令牌 / print a clerk token signed by the city's development identity provider")
    .argument("<city>", "城市节点 / city (node id)")
    .argument("<department>", '部门代码，如 gaj / department code, e.g. gaj ("-" with --operator)')
    .argument("<clerk>", "经办人标识 / the clerk's id")
    .option("--ttl <ttl>", "有效期，如 8h、30m / lifetime, e.g. 8h, 30m (60 s to 12 h)", "8h")
    .option("--operator", "运维人员令牌（无部门）/ an operator's token (no department)")
    .addHelpText(
      "after",
      "\n经办人调用办件队列时在 authorization 元数据中携带: Bearer <令牌>\nAuthority systems send it as `authorization: Bearer <token>` on queue calls.\n",
    )
    .action(async (city: string, department: string, clerk: string, o: { ttl: string; operator?: boolean }) => {
      const node = nodesOf(bounded("city", city, MAX_CODE_LENGTH))[0]!;
      bounded("department", department, MAX_CODE_LENGTH);
      const known = departmentCodes(node);
      if (o.operator ? department !== "-" && !known.includes(department) : !known.includes(department)) {
        throw new UsageError(`${node}无此部门 / unknown department ${department} of ${node} (known: ${known.join(", ")})`);
      }
      const ttlSeconds = parseTtl(o.ttl);
      if (ttlSeconds === undefined) throw new UsageError(`有效期须为60秒至12小时，如 8h / --ttl must be 60 s to 12 h, e.g. 8h or 30m`);
      await issueToken(ctx, {
        city: node,
        person: bounded("clerk", clerk, MAX_ID_LENGTH),
        ttlSeconds,
        operator: Boolean(o.operator),
        ...(department !== "-" ? { department } : {}),
      });
    });

  program
    .command("identity")
    .description("签发开发用身份证书 / issue (or renew) a certificate of the development PKI, e.g. for another window system")
    .argument("<city>", "城市节点 / city (node id)")
    .argument("<role>", `角色 / role: ${roles.join(", ")}`)
    .argument("<name>", "系统名称（发证部门为统一社会信用代码）/ the system's name (an issuer's 统一社会信用代码)")
    .addHelpText(
      "after",
      "\n已有同名证书时换发新证书，服务端一分钟内生效 / an existing identity is renewed; servers pick the new certificate up within a minute.\n",
    )
    .action(async (city: string, role: string, name: string) => {
      const node = nodesOf(bounded("city", city, MAX_CODE_LENGTH))[0]!;
      if (!(roles as readonly string[]).includes(role))
        throw new UsageError(`未知角色 ${role} / unknown role ${role} (known: ${roles.join(", ")})`);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
        throw new UsageError(`名称只能含字母、数字、"."、"_"、"-" / name: letters, digits, '.', '_' and '-', at most 64`);
      }
      const dir = ctx.pkiDir ?? defaultPkiDir;
      await ensureDevPki(devPkiCities(ctx.network.nodes), dir);
      const files = await issueIdentity(dir, node, role as Role, name);
      ctx.out.write(
        `${spiffeUri(node, role as Role, name)}\nGRPC_TLS_CERT=${files.cert}\nGRPC_TLS_KEY=${files.key}\nGRPC_TLS_CA=${files.ca}\n`,
      );
    });

  program
    .command("rebuild")
    .description("从案件日志重建节点读模型（先停止该节点）/ rebuild a node's read model from its case log (stop the node first)")
    .argument("<node>", "城市节点 / city node")
    .action(async (node: string) => {
      const outcome = await rebuildNode(ctx, nodesOf(node)[0]!, ctx.lease ?? { ttlMs: 10_000, renewMs: 3_000 });
      if (outcome.broken.length > 0) exitCode = 1;
    });

  registerQuarantineCommands(
    program,
    ctx,
    (node) => nodesOf(node)[0]!,
    (code) => (exitCode = code),
  );

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    // Commander has already printed its own errors (and help).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      ctx.out.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return exitCode;
}
