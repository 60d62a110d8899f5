// tests/docs_browser.sh's browser half: headless Chromium (Debian's, driven
// by puppeteer-core) on examples/hello's /docs/. It follows the index to a
// method, uses "Try it" (a good call and a refused one), uses "Validate
// record" with a valid and an invalid value, reads the pages with the
// script off and in the dark scheme, and saves a screenshot of each step.
// Any console error or page error (a CSP refusal shows as one) fails it.
//
// usage: node docs_browser.mjs BASE_URL SCREENSHOT_DIR CHROMIUM
import puppeteer from "puppeteer-core";

const [base, shots, chromium] = process.argv.slice(2);
let failures = 0;
const check = (name, ok, detail) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : ": " + detail}`);
  if (!ok) failures++;
};

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const problems = [];
  page.on("console", (m) => {
    // The one refused call below is meant: its 400 is not a problem.
    if (m.type() === "error" && !/status of 400/.test(m.text())) problems.push("console: " + m.text());
  });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  const output = (form) =>
    page.waitForFunction(
      (sel) => {
        const pre = document.querySelector(sel + " output pre");
        return pre !== null && pre.textContent !== "" ? pre.textContent : false;
      },
      { timeout: 20000 },
      form,
    ).then((h) => h.jsonValue());

  // The index links to every page.
  await page.goto(base + "/docs/", { waitUntil: "load" });
  check("index title", (await page.title()) === "Lexicons", await page.title());
  await page.screenshot({ path: `${shots}/index.png`, fullPage: true });
  await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.click('a[href="com.example.hello.greet"]'),
  ]);
  const h1 = await page.$eval("h1", (e) => e.textContent);
  check("followed the index to the method's page", h1 === "com.example.hello.greet", h1);

  // Try it: the parameters as typed inputs, the answer shown.
  const form = 'form.try[data-nsid="com.example.hello.greet"]';
  await page.type(`${form} [data-param="name"]`, "Ada");
  await page.type(`${form} [data-param="times"]`, "2");
  await page.type(`${form} [name="authorization"]`, "Bearer not-a-real-token");
  await page.click(`${form} button[type="submit"]`);
  let text = await output(form);
  check("Try it: status shown", text.startsWith("HTTP 200"), text);
  check("Try it: headers shown", /content-type: application\/json/i.test(text), text);
  check("Try it: body shown", text.includes('"message": "Hello, Ada! Hello, Ada!"'), text);
  const authType = await page.$eval(`${form} [name="authorization"]`, (e) => e.type);
  check("Authorization is a password field", authType === "password", authType);
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  check("nothing stored in the browser", stored === 0, `${stored} items`);
  await page.screenshot({ path: `${shots}/try-it.png`, fullPage: true });
  await page.$eval(`${form} output`, (e) => e.replaceChildren());
  await page.$eval(`${form} [data-param="times"]`, (e) => (e.value = "9"));
  await page.click(`${form} button[type="submit"]`);
  text = await output(form);
  check("Try it: a refusal shown", text.startsWith("HTTP 400") && text.includes("InvalidRequest"), text);

  // Validate record: a valid value, then an invalid one with its path.
  await page.goto(base + "/docs/com.example.hello.greeting", { waitUntil: "load" });
  const vform = 'form.validate[data-type="com.example.hello.greeting"]';
  const value = (v) => page.$eval(`${vform} textarea`, (e, v) => (e.value = v), v);
  await value(JSON.stringify({ $type: "com.example.hello.greeting", text: "hi", createdAt: "2026-01-01T00:00:00Z" }));
  await page.click(`${vform} button[type="submit"]`);
  text = await output(vform);
  check("Validate record: valid", text === "valid", text);
  await page.screenshot({ path: `${shots}/validate-valid.png`, fullPage: true });
  await page.$eval(`${vform} output`, (e) => e.replaceChildren());
  await value(JSON.stringify({ $type: "com.example.hello.greeting", text: "hi", createdAt: "yesterday" }));
  await page.click(`${vform} [name="allowUnresolved"]`);
  await page.click(`${vform} button[type="submit"]`);
  text = await output(vform);
  check("Validate record: invalid, with the path and rule", text.startsWith("invalid: $.createdAt: ") && /datetime/i.test(text), text);
  await page.screenshot({ path: `${shots}/validate-invalid.png`, fullPage: true });

  // The dark scheme, and reading with the script off.
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await page.goto(base + "/docs/com.example.hello.greet", { waitUntil: "load" });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check("dark scheme", bg === "rgb(13, 17, 23)", bg);
  await page.screenshot({ path: `${shots}/dark.png`, fullPage: true });
  await page.setJavaScriptEnabled(false);
  await page.goto(base + "/docs/com.example.hello.greet", { waitUntil: "load" });
  const rows = await page.$$eval("table tbody tr", (r) => r.length);
  check("readable without the script", rows >= 3, `${rows} table rows`);

  check("no console or page errors", problems.length === 0, problems.join("; "));
} finally {
  await browser.close();
}
process.exit(failures === 0 ? 0 : 1);
