import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface StoredUser {
  name: string;
  salt: Buffer;
  hash: Buffer;
}

export interface Session {
  id: string;
  user: string;
  expires: number;
}

export interface SessionStore {
  findUser(name: string): Promise<StoredUser | undefined>;
  save(session: Session): Promise<void>;
  remove(id: string): Promise<void>;
}

const SESSION_TTL_MS = 8 * 3600 * 1000;

async function passwordMatches(user: StoredUser, password: string): Promise<boolean> {
  const candidate = await scrypt(password, user.salt, user.hash.length);
  return timingSafeEqual(candidate, user.hash);
}

export async function createSession(store: SessionStore, name: string, password: string): Promise<Session | undefined> {
  const user = await store.findUser(name);
  if (!user || !(await passwordMatches(user, password))) return undefined;
  const session: Session = { id: randomBytes(32).toString("hex"), user: user.name, expires: Date.now() + SESSION_TTL_MS };
  await store.save(session);
  return session;
}

export async function destroySession(store: SessionStore, id: string): Promise<void> {
  if (/^[0-9a-f]{64}$/.test(id)) await store.remove(id);
}
