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
//   node check.mjs layout PAGE.html...
//                                     each page at phone, tablet and desktop
//                                     widths and printed: nothing wider than
//                                     the screen, headings that scale down,
//                                     card summaries clamped, every photo's
//                                     sizes equal to the width it is drawn
//                                     at, the lead photo fetched first; on
//                                     paper no navigation, related pieces a
//                                     plain list, link addresses printed
//
// Exits 1 when a check fails, listing what failed.
import { chromium } from "playwright-core";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const axePath = join(here, "node_modules", "axe-core", "axe.min.js");

const [mode, ...args] = process.argv.slice(2);
if (!["axe", "hostile", "shot", "layout"].includes(mode) || args.length === 0 || (mode === "shot" && args.length !== 2)) {
  console.error("usage: node check.mjs axe PAGE.html... | node check.mjs hostile SITE_DIR | node check.mjs shot PAGE.html OUT.png | node check.mjs layout PAGE.html...");
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
  } else if (mode === "layout") {
    for (const file of args) failures += await layout(file);
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

async function layout(file) {
  // The widths a page is read at: small and large phones, the
  // stylesheet's own break points either side, a tablet, laptops and a
  // wide screen.
  const widths = [320, 375, 414, 611, 612, 640, 641, 647, 648, 700, 768, 837, 838, 962, 963, 1024, 1277, 1278, 1295, 1296, 1440, 1920];
  const problems = [];
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
  const h1 = {};
  let measured = 0; // photos whose sizes were measured, at the widest count
  for (const w of widths) {
    await page.setViewportSize({ width: w, height: 900 });
    const found = await page.evaluate(() => {
      const out = { problems: [] };
      const doc = document.documentElement;
      if (doc.scrollWidth > window.innerWidth) {
        const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5);
        out.problems.push(`the page is ${doc.scrollWidth}px wide on a ${window.innerWidth}px screen (${wide.slice(-1).map((e) => e.tagName.toLowerCase() + "." + e.className).join("")})`);
      }
      const h = document.querySelector("h1");
      out.h1 = h ? parseFloat(getComputedStyle(h).fontSize) : 0;
      // sizes, as the browser reads it: the first entry whose media
      // condition holds, its length drawn as a box's width.
      const probe = document.createElement("div");
      probe.style.cssText = "position:absolute;visibility:hidden;height:0";
      document.body.append(probe);
      // In sizes, as in media queries, em and rem are the browser's
      // 16px, not the stylesheet's root size.
      // A length the browser cannot read leaves the probe unset: null,
      // never the width of the image measured before.
      const length = (l) => {
        probe.style.width = "";
        probe.style.width = l.replace(/(\d*\.?\d+)r?em\b/g, (_, n) => `${n * 16}px`);
        return probe.style.width === "" ? null : probe.getBoundingClientRect().width;
      };
      out.measured = 0;
      for (const img of document.querySelectorAll("img[sizes]")) {
        const drawn = img.getBoundingClientRect().width;
        if (drawn === 0) continue; // not shown at this width
        out.measured++;
        const sizes = img.getAttribute("sizes");
        let said = null;
        for (const entry of sizes.split(/,(?![^(]*\))/).map((e) => e.trim())) {
          const m = entry.match(/^(\(.*\))\s+(\S.*)$/);
          if (!m) { said = length(entry); break; }
          if (window.matchMedia(m[1]).matches) { said = length(m[2]); break; }
        }
        // Within two pixels or two per cent: the browser picks the file
        // for the width it is told, so a smaller one is a blurred photo,
        // a larger one wasted bytes.
        if (said === null || Math.abs(said - drawn) > Math.max(2, drawn * 0.02)) {
          out.problems.push(`${img.className || "img"} ${img.getAttribute("src")} is drawn ${drawn.toFixed(1)}px wide, its sizes="${sizes}" says ${said === null ? "nothing" : said.toFixed(1) + "px"}`);
        }
      }
      probe.remove();
      for (const s of document.querySelectorAll(".card .summary")) {
        const lh = parseFloat(getComputedStyle(s).lineHeight);
        if (s.getBoundingClientRect().height > 4 * lh + 1) out.problems.push(`a card's summary is ${(s.getBoundingClientRect().height / lh).toFixed(1)} lines tall, not clamped at four`);
      }
      return out;
    });
    h1[w] = found.h1;
    measured = Math.max(measured, found.measured);
    for (const p of found.problems) problems.push(`at ${w}px: ${p}`);
  }
  // A page with photos whose sizes went missing would pass unmeasured.
  const photos = await page.evaluate(() => document.querySelectorAll("img[srcset]").length);
  if (photos > 0 && measured === 0) problems.push(`none of the ${photos} photos with a srcset has a sizes to measure`);
  if (h1[375] && !(h1[375] < h1[1440] * 0.85)) problems.push(`the h1 is ${h1[375]}px on a phone and ${h1[1440]}px on a wide screen: it does not scale down`);
  const lead = await page.evaluate(() => {
    const img = document.querySelector("figure.lead img");
    if (!img) return null;
    return { priority: img.getAttribute("fetchpriority"), decoding: img.getAttribute("decoding"), loading: img.getAttribute("loading") };
  });
  if (lead) {
    if (lead.priority !== "high") problems.push(`the lead photo has fetchpriority=${lead.priority}, not high`);
    if (lead.decoding === "async" || lead.loading === "lazy") problems.push(`the lead photo is decoding=${lead.decoding} loading=${lead.loading}: the first thing a reader sees waits`);
  }

  await page.setViewportSize({ width: 800, height: 1100 });
  await page.emulateMedia({ media: "print" });
  const printed = await page.evaluate(() => {
    const out = [];
    const shown = (e) => e && getComputedStyle(e).display !== "none";
    for (const sel of ["header.site nav", "footer.site", ".skip"]) {
      if (shown(document.querySelector(sel))) out.push(`${sel} is printed`);
    }
    for (const c of document.querySelectorAll(".cards")) {
      if (getComputedStyle(c).display === "grid") out.push("a list of pieces is printed as a grid of cards");
    }
    for (const t of document.querySelectorAll(".card .thumb")) if (shown(t)) { out.push("a card's photo is printed"); break; }
    for (const a of document.querySelectorAll("article.piece .body a[href^='http'], article.piece .answer a[href^='http']")) {
      if (!getComputedStyle(a, "::after").content.includes(a.getAttribute("href"))) out.push(`the link "${a.textContent}" is printed without its address`);
    }
    for (const f of document.querySelectorAll("article.piece figure")) {
      if (getComputedStyle(f).breakInside !== "avoid") out.push("a photo can be split across two sheets");
    }
    const h = document.querySelector("h1");
    if (h && getComputedStyle(h).breakAfter !== "avoid") out.push("the title can be left alone at the foot of a sheet");
    return out;
  });
  for (const p of printed) problems.push(`printed: ${p}`);
  // And it prints: Chromium lays the page out on A4 sheets.
  const pdf = await page.pdf({ format: "A4" });
  if (pdf.length < 1000) problems.push(`printed: the PDF is ${pdf.length} bytes`);
  await context.close();
  for (const p of new Set(problems)) console.error(`${file}: ${p}`);
  // Playwright's Chromium hides scrollbars: with classic ones (Windows,
  // most Linux desktops) media queries see the window's width and the
  // layout ~15px less, which this does not show.
  console.log(`${file}: ${problems.length} layout problems at ${widths.length} widths and on paper (${measured} photos' sizes measured)`);
  return problems.length;
}
