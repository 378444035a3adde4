// Lighthouse (mobile, its default) on a quiz step. A step is the answer to a POST from the start page, so it has no
// URL of its own: open the start page, then let Lighthouse measure the navigation that pressing Start makes, as a
// person's browser would make it (a user flow's navigation triggered by a click).
// Usage: CHROME_PATH=/usr/bin/chromium node step.mjs START_URL OUT.json
import { writeFileSync } from "node:fs";
import puppeteer from "puppeteer-core";
import { startFlow } from "lighthouse";

const [start, out] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH,
  headless: true,
  args: ["--headless=new", "--no-sandbox"],
});
try {
  const page = await browser.newPage();
  await page.goto(start);
  const flow = await startFlow(page, {
    config: {
      extends: "lighthouse:default",
      settings: { onlyCategories: ["performance", "accessibility", "best-practices"] },
    },
  });
  await flow.navigate(async () => {
    await page.click("#start");
  }, { name: "a step" });
  const result = await flow.createFlowResult();
  writeFileSync(out, JSON.stringify(result.steps[0].lhr));
} finally {
  await browser.close();
}
