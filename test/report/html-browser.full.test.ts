// `faultsim report`'s pages in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
// playwright-core. Each page (a run, two runs overlaid, a hunt, a repro) loads from a file
// with every network request refused and no console error; each plot's canvas holds pixels of
// its first series' colour; the repro's stepper, walked with the keyboard from the first step,
// shows the violation banner exactly at the violating step, with the invariant and the objects
// it names marked, and the buttons move it. Screenshots go to a temporary directory. A machine
// without Chromium skips these tests only, and says so.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { cliCapture } from "../helpers/cli.js";
import { loadRepro } from "../../src/report/repro-schema.js";

/** Debian's package; FAULTSIM_CHROMIUM names another build (or a missing one, to see the skip). */
const CHROMIUM = process.env.FAULTSIM_CHROMIUM ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  console.log(`html-browser.full.test.ts: browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

const { faultsim } = cliCapture();

let dir = "";
let shots = "";
let reproFile = "";
let ctx: BrowserContext;
let page: Page;
const pages: Record<string, string> = {};
/** Console errors, page errors and refused requests of the page being tested. */
let problems: string[] = [];

/** Opens a report and waits for it to be drawn; returns ms from navigation to drawn. */
async function open(name: string): Promise<number> {
  problems = [];
  await page.goto(`file://${pages[name]}`);
  await page.waitForSelector("body[data-ready]", { timeout: 10_000 });
  return page.evaluate(() => performance.getEntriesByName("faultsim-plotted")[0].startTime);
}

async function shot(name: string): Promise<void> {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(10_000);
}

/** Per plot, the most pixels of its canvas within a small distance of one of its series'
 *  colours (a series that stays at 0, as kswapd's runs may early in a run, lies under the axis). */
async function seriesPixels(): Promise<number[]> {
  return page.evaluate(() => {
    const data = JSON.parse(document.getElementById("report-data")!.textContent!);
    return (data.plots as { id: string; series: { color: string }[] }[]).map((p) => {
      const c = document.querySelector<HTMLCanvasElement>(`#${p.id} canvas`);
      if (!c) return -1;
      const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let most = 0;
      for (const { color: hex } of p.series) {
        const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] < 128) continue;
          const d = Math.abs(px[i] - want[0]) + Math.abs(px[i + 1] - want[1]) + Math.abs(px[i + 2] - want[2]);
          if (d < 60) n++;
        }
        most = Math.max(most, n);
      }
      return most;
    });
  });
}

describe.skipIf(!HAVE_CHROMIUM)("HTML reports in Chromium", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "faultsim-browser-"));
    shots = mkdtempSync(path.join(os.tmpdir(), "faultsim-shots-"));
    const a = path.join(dir, "a.csv");
    const b = path.join(dir, "b.jsonl");
    const stream = path.join(dir, "hunt.jsonl");
    const quiet = vi.spyOn(process.stdout, "write").mockImplementation(((_s: unknown, x?: unknown, y?: unknown) => {
      const cb = typeof x === "function" ? x : typeof y === "function" ? y : undefined;
      if (cb) queueMicrotask(() => (cb as () => void)());
      return true;
    }) as typeof process.stdout.write);
    try {
      expect(await faultsim("run", "--ops", "30000", "--series", a, "--interval", "2000")).toBe(0);
      expect(await faultsim("run", "--ops", "30000", "--seed", "2", "--series", b, "--interval", "2000")).toBe(0);
      // Seed 4: the swap-cache duplicate at execution 321 (one hit in the 4,000), the first of
      // seeds 1.. to find it within this budget since pre9's page_launder passes over a locked
      // page (launder-skips-locked, 6 Dec 2026): seed 3's, this test's before (at 2,484), is at
      // 19,295, seed 1's at 14,188. Each model change that moves the hunts has moved this seed.
      const hunt = ["--seed", "4", "--executions", "4000", "--keep-going", "--shrink-ms", "0"];
      expect(await faultsim("hunt", ...hunt, "--jsonl", stream, "--out", dir)).toBe(1);
      reproFile = path.join(dir, readdirSync(dir).find((f) => f.startsWith("repro-"))!);
      for (const [name, args] of Object.entries({ run: [a], ab: [a, b], hunt: [stream], repro: [reproFile] })) {
        pages[name] = path.join(dir, `${name}.html`);
        expect(await faultsim("report", ...args, "--out", pages[name])).toBe(0);
      }
    } finally {
      quiet.mockRestore();
    }
    ctx = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), "faultsim-chromium-")), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
    });
    // A self-contained page asks for nothing: any request but the page's own file is refused.
    await ctx.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file://") && Object.values(pages).some((p) => url === `file://${p}`)) return route.continue();
      problems.push(`request: ${url}`);
      return route.abort();
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`html-browser.full.test.ts: screenshots in ${shots}`);
  });

  for (const name of ["run", "ab", "hunt"]) {
    it(`the ${name} page loads cleanly and every plot is drawn`, async () => {
      const ms = await open(name);
      console.log(`html-browser.full.test.ts: ${name} page drawn ${ms.toFixed(0)} ms after navigation`);
      const px = await seriesPixels();
      expect(px.length).toBe(name === "hunt" ? 1 : 5);
      for (const n of px) expect(n).toBeGreaterThan(30);
      await shot(name);
      expect(problems).toEqual([]);
    });
  }

  it("the repro's stepper reaches the violation step by step, marks it, and moves with its buttons", async () => {
    await open("repro");
    const { step, id, objects } = await page.evaluate(
      () => JSON.parse(document.getElementById("report-data")!.textContent!).stepper.violation,
    );
    const banner = page.locator("#violation");
    expect(await banner.isHidden()).toBe(true);
    await expect.poll(() => page.locator("#step-label").textContent()).toContain("before step 0");
    // Walk with the right arrow: the banner stays hidden until the violating step.
    let presses = 0;
    while (await banner.isHidden()) {
      await page.keyboard.press("ArrowRight");
      presses++;
      if (presses > step) break;
    }
    expect(presses).toBe(step);
    expect(await banner.getAttribute("data-invariant")).toBe(id);
    expect(await banner.textContent()).toContain(loadRepro(reproFile).violation.message);
    // What the invariant names is marked: the entry's swap cache row lists both pages.
    const marked = await page.locator(".broken").allTextContents();
    expect(marked.length).toBeGreaterThan(0);
    const entry = (objects as string[]).find((o) => o.startsWith("E"))!;
    const row = await page.locator("#swap-cache tr.broken").textContent();
    expect(row).toContain(entry);
    for (const o of (objects as string[]).filter((x) => x.startsWith("page "))) expect(row).toContain(o);
    await shot("repro-violation");
    // Back one step: no banner, nothing marked broken; the button to the violation returns.
    await page.click("#step-prev");
    expect(await banner.isHidden()).toBe(true);
    expect(await page.locator(".broken").count()).toBe(0);
    expect(await page.locator("#step-label").textContent()).toContain(`(${step - 1} of ${step})`);
    await page.click("#step-first");
    expect(await page.locator("#step-label").textContent()).toContain("before step 0");
    await page.click("#step-violation");
    expect(await banner.isVisible()).toBe(true);
    await shot("repro-stepper");
    expect(problems).toEqual([]);
  }, 60_000);
});
