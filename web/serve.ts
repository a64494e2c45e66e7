// `npm run serve`: serves site/ (made by `npm run site`) on http://127.0.0.1:$PORT (default 8080)
// with the headers that make its pages cross-origin isolated, so they may share memory with worker
// threads: Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp.
// `npm run serve -- --no-isolation` leaves the headers out, as a static host would: the pages then
// isolate themselves with their service worker (web/page/coi-service-worker.js).
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

export interface ServeOptions {
  host?: string;
  /** Send the cross-origin isolation headers (default true). */
  isolate?: boolean;
}

/** Starts the server; resolves once it listens (port 0: any free port, see server.address()). */
export function serve(folder: string, port: number, { host = "127.0.0.1", isolate = true }: ServeOptions = {}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    let file = normalize(join(folder, path));
    if (!file.startsWith(normalize(folder + sep)) && file !== normalize(folder)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    const headers: Record<string, string> = !isolate ? { "Cache-Control": "no-cache" } : {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "no-cache",
    };
    if (!existsSync(file)) {
      response.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const folder = fileURLToPath(new URL("../site", import.meta.url));
  if (!existsSync(join(folder, "index.html"))) {
    console.error("site/ is empty: run `npm run site` first");
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  const isolate = !process.argv.includes("--no-isolation");
  await serve(folder, port, { isolate });
  console.log(`the course: http://127.0.0.1:${port}/ (${isolate ? "cross-origin isolated" : "no isolation headers: the pages' service worker adds them"}; Ctrl-C stops)`);
}
