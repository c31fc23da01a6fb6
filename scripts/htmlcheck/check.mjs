// Checks exported Galley pages in a real browser (Debian's Chromium, driven
// by playwright-core):
//
//   node check.mjs axe PAGE.html...   axe-core, WCAG 2 A and AA rules: zero violations
//   node check.mjs hostile SITE_DIR   every page of a site exported from the hostile
//                                     corpus: no script ran, and the live DOM holds no
//                                     script element but JSON-LD, no on* attribute and
//                                     no javascript: URL
//   node check.mjs shot PAGE.html OUT.png
//                                     a screenshot of the page once its images
//                                     have loaded, colour-managed into sRGB as a
//                                     reader's browser shows it (the export's
//                                     colour test compares photos in it)
//
// Exits 1 when a check fails, listing what failed.
import { chromium } from "playwright-core";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const axePath = join(here, "node_modules", "axe-core", "axe.min.js");

const [mode, ...args] = process.argv.slice(2);
if (!["axe", "hostile", "shot"].includes(mode) || args.length === 0 || (mode === "shot" && args.length !== 2)) {
  console.error("usage: node check.mjs axe PAGE.html... | node check.mjs hostile SITE_DIR | node check.mjs shot PAGE.html OUT.png");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    // The screen a reader's browser converts photos for; a fixed one, so
    // the screenshot's colours do not depend on this machine.
    "--force-color-profile=srgb",
  ],
});
let failures = 0;
try {
  if (mode === "shot") {
    const { context, page } = await open(args[0]);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    await page.screenshot({ path: args[1] });
    await context.close();
  } else if (mode === "axe") {
    for (const file of args) failures += await axe(file);
  } else {
    for (const file of htmlFiles(resolve(args[0]))) failures += await hostile(file);
  }
} finally {
  await browser.close();
}
if (failures > 0) {
  console.error(`${failures} problem(s) found`);
  process.exit(1);
}
console.log(`${mode}: no problems`);

function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...htmlFiles(p));
    else if (name.endsWith(".html")) out.push(p);
  }
  return out;
}

async function open(file) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
  return { context, page, dialogs };
}

async function axe(file) {
  const { context, page } = await open(file);
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  await context.close();
  for (const v of result.violations) {
    console.error(`${file}: ${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes.slice(0, 3)) console.error(`    ${n.target.join(" ")}: ${n.failureSummary.split("\n").join(" ")}`);
  }
  console.log(`${file}: ${result.violations.length} axe violations, ${result.passes.length} rules passed`);
  return result.violations.length;
}

async function hostile(file) {
  const { context, page, dialogs } = await open(file);
  // Let lazy images load and anything that could fire, fire.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(50);
  const found = await page.evaluate(() => {
    const problems = [];
    if (window.__pwned !== undefined) problems.push("a script from the content ran (window.__pwned is set)");
    for (const s of document.querySelectorAll("script")) {
      if (s.type !== "application/ld+json") problems.push(`script element: ${s.outerHTML.slice(0, 80)}`);
    }
    const urlAttrs = ["href", "src", "action", "formaction", "srcset", "data", "poster", "xlink:href", "background"];
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        if (name.startsWith("on")) problems.push(`${el.tagName.toLowerCase()} has ${name}="${a.value.slice(0, 40)}"`);
        const v = a.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
        if (urlAttrs.includes(name) && (v.startsWith("javascript:") || v.startsWith("vbscript:") || v.startsWith("data:text"))) {
          problems.push(`${el.tagName.toLowerCase()} ${name}="${a.value.slice(0, 40)}"`);
        }
      }
    }
    for (const ld of document.querySelectorAll('script[type="application/ld+json"]')) {
      try { JSON.parse(ld.textContent); } catch (e) { problems.push(`JSON-LD does not parse: ${e.message}`); }
    }
    return problems;
  });
  await context.close();
  for (const d of dialogs) found.push(`a dialog opened: ${d}`);
  for (const p of found) console.error(`${file}: ${p}`);
  return found.length;
}
