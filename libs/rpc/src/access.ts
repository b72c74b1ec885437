import {
  type Metadata,
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerListenerBuilder,
  status,
} from "@grpc/grpc-js";
import { type Identity, type Person, TokenError, type TokenVerifier, parseSpiffeUri } from "@tongban/identity";
import { type AccessRule, accessTable } from "./accessTable";
import { AppError } from "./appError";
import { toServiceError } from "./statusDetails";
import type { Transport } from "./transport";

/** Who is calling: the system (by its certificate) and, where the method needs one, the person (by token). */
export interface Principal {
  identity: Identity;
  person?: Person;
}

/** A refused call, for the audit log and the metrics. */
export interface AccessDenial {
  method: string;
  code: "UNAUTHENTICATED" | "PERMISSION_DENIED";
  reason: string;
  /** The caller's identity URI when it had one. */
  caller?: string;
  person?: string;
}

export interface AccessOptions {
  /** The city whose server this is ("own" rules compare with it). */
  city: string;
  /** Every city of the network ("network" rules). */
  networkCities: readonly string[];
  transport: Transport;
  /** Verifies person tokens of the server city's identity provider; needed when a served method has `person`. */
  tokens?: TokenVerifier;
  onDenied: (d: AccessDenial) => void;
  table?: Readonly<Record<string, AccessRule>>;
}

/** Header naming the caller's identity in plaintext development mode only (GRPC_INSECURE=true). */
export const DEV_IDENTITY_HEADER = "tongban-dev-identity";

/** toServiceError logs only errors that are not AppErrors; access refusals are AppErrors. */
const silent = { warn: () => undefined, error: () => undefined } as unknown as Parameters<typeof toServiceError>[1];

const principals = new WeakMap<Metadata, Principal>();

/** The checked caller of a call (set by the access interceptor before any handler runs). */
export function principalOf(call: { metadata: Metadata }): Principal {
  const p = principals.get(call.metadata);
  if (!p) throw new AppError(status.INTERNAL, "调用方未经认证 / call reached a handler without an authenticated caller");
  return p;
}

/** The clerk of a call whose method requires one. */
export function clerkOf(call: { metadata: Metadata }): Person & { department: string } {
  const p = principalOf(call).person;
  if (!p) throw new AppError(status.INTERNAL, "缺少经办人 / call reached a handler without a clerk token");
  return p;
}

class Denied extends Error {
  constructor(
    readonly code: AccessDenial["code"],
    message: string,
  ) {
    super(message);
  }
}

const unauthenticated = (why: string) => new Denied("UNAUTHENTICATED", why);
const denied = (why: string) => new Denied("PERMISSION_DENIED", why);

function identityOf(call: ServerInterceptingCallInterface, metadata: Metadata, t: Transport): Identity {
  if (t.kind === "insecure") {
    const uri = String(metadata.get(DEV_IDENTITY_HEADER)[0] ?? "");
    const id = parseSpiffeUri(uri);
    if (!id)
      throw unauthenticated(`开发模式需要 ${DEV_IDENTITY_HEADER} 头 / plaintext development mode needs a ${DEV_IDENTITY_HEADER} header`);
    return id;
  }
  const r = t.trust.identityOf(call.getAuthContext().sslPeerCertificate);
  if (typeof r === "string") throw unauthenticated(r);
  return r;
}

async function personOf(metadata: Metadata, o: AccessOptions): Promise<Person> {
  const header = String(metadata.get("authorization")[0] ?? "");
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw unauthenticated("缺少经办人令牌 / clerk token required (authorization: Bearer <token>)");
  if (!o.tokens) throw unauthenticated("本服务未配置身份提供方 / no identity provider configured for clerk tokens");
  let person: Person;
  try {
    person = await o.tokens.verify(m[1]!);
  } catch (err) {
    if (err instanceof TokenError) throw unauthenticated(err.message);
    throw err;
  }
  if (!person.roles.includes("clerk")) throw denied(`令牌不含经办人角色 / token of ${person.id} has no clerk role`);
  if (person.city !== o.city) throw denied(`令牌属于${person.city} / token is for ${person.city || "no city"}, not ${o.city}`);
  if (!person.department) throw denied(`令牌未载明部门 / token of ${person.id} names no department`);
  return person;
}

async function check(method: string, call: ServerInterceptingCallInterface, metadata: Metadata, o: AccessOptions): Promise<Principal> {
  const rule = (o.table ?? accessTable)[method];
  if (!rule) throw denied(`方法未列入授权表 / ${method} has no access rule`);
  const identity = identityOf(call, metadata, o.transport);
  if (!o.networkCities.includes(identity.city))
    throw denied(`${identity.city} 不在本网络 / ${identity.city} is not a city of this network`);
  if (rule.roles !== "any" && !rule.roles.includes(identity.role)) {
    throw denied(`角色 ${identity.role} 无权调用 / role ${identity.role} may not call ${method} (allowed: ${rule.roles.join(", ")})`);
  }
  if (rule.cities === "own" && identity.city !== o.city) {
    throw denied(`仅限${o.city}本地系统 / only ${o.city}'s own systems may call ${method}, not ${identity.uri}`);
  }
  return rule.person ? { identity, person: await personOf(metadata, o) } : { identity };
}

/**
 * The access check of every call (访问控制), one interceptor for all services: authenticates the
 * caller by its certificate (and the person by token where the table says so), applies the table,
 * and refuses with UNAUTHENTICATED or PERMISSION_DENIED and a reason — each refusal reported to
 * `onDenied` for the audit log. Handlers read the checked caller with principalOf / clerkOf.
 */
export function accessInterceptor(o: AccessOptions): ServerInterceptor {
  return (descriptor, call) => {
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        check(descriptor.path, call, metadata, o).then(
          (principal) => {
            principals.set(metadata, principal);
            next(metadata);
          },
          (err: unknown) => {
            const d = err instanceof Denied ? err : denied(`访问检查失败 / access check failed: ${(err as Error).message}`);
            const caller = (() => {
              try {
                return identityOf(call, metadata, o.transport).uri;
              } catch {
                return undefined;
              }
            })();
            o.onDenied({ method: descriptor.path, code: d.code, reason: d.message, ...(caller ? { caller } : {}) });
            // With ErrorInfo reason UNAUTHENTICATED or ACCESS_DENIED, told apart from a handler's own refusals.
            const reason = d.code === "UNAUTHENTICATED" ? "UNAUTHENTICATED" : "ACCESS_DENIED";
            const se = toServiceError(new AppError(status[d.code], d.message, [], reason), silent, descriptor.path);
            call.sendStatus({ code: se.code!, details: se.details!, metadata: se.metadata! });
          },
        );
      })
      .build();
    return new ServerInterceptingCall(call, new ResponderBuilder().withStart((next) => next(listener)).build());
  };
}
