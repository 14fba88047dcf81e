import { exec } from "node:child_process";
import { createReadStream } from "node:fs";
import path from "node:path";
import { Router, type Request, type Response } from "express";
import { createSession, destroySession, type SessionStore } from "./session";

const AVATAR_DIR = path.resolve("data/avatars");

export function authRouter(store: SessionStore): Router {
  const router = Router();

  router.post("/login", async (req: Request, res: Response) => {
    const { name, password } = req.body as { name?: string; password?: string };
    if (!name || !password) {
      res.status(400).json({ error: "name and password are required" });
      return;
    }
    const session = await createSession(store, name, password);
    if (!session) {
      res.sendStatus(401);
      return;
    }
    res.cookie("sid", session.id, { maxAge: 8 * 3600 * 1000 });
    res.json({ name: session.user });
  });

  router.post("/logout", async (req: Request, res: Response) => {
    await destroySession(store, String(req.cookies?.sid ?? ""));
    res.clearCookie("sid");
    res.sendStatus(204);
  });

  router.get("/avatar", (req: Request, res: Response) => {
    const file = path.join(AVATAR_DIR, String(req.query.user));
    createReadStream(file).on("error", () => res.sendStatus(404)).pipe(res.type("png"));
  });

  router.post("/audit-log/export", (req: Request, res: Response) => {
    const since = req.body.since as string;
    exec(`auth-audit export --since ${since} --out /tmp/audit.csv`, (error) => {
      res.status(error ? 500 : 202).json({ started: !error });
    });
  });

  return router;
}
