import puppeteer from "puppeteer-core";
import { serve } from "./web/serve.ts";
const server = await serve("/work/main/site", 0);
const port = (server.address() as { port: number }).port;
const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
for (const q of process.argv.slice(2)) {
  const page = await browser.newPage();
  const t0 = performance.now();
  await page.goto(`http://127.0.0.1:${port}/chapters/08.html?run=all&${q}`);
  await page.waitForFunction(() => ["done", "error"].includes(document.documentElement.dataset.state ?? ""), { timeout: 600000 });
  const text = await page.evaluate(() => [...document.querySelectorAll(".cell-progress code")].map((e) => e.textContent).join("\n"));
  console.log(q, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(text);
  await page.close();
}
await browser.close();
server.close();
