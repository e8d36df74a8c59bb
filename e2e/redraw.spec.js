// The page is markup redrawn as the cluster runs (issue 12): what the reader is using must
// survive the redraws — the focus on a node or a button, a slider being moved, text being
// typed, an opened section — and a paused page must do no work per frame.
const { test, expect } = require('@playwright/test');
const { openPage, waitForLeader } = require('./helpers');

/** Marks the element that has the focus (a property, not an attribute: the page owns its
 * attributes), so a later check can tell whether it is the same element. */
const markFocused = (page) => page.evaluate(() => { document.activeElement.probe = 'focused'; });
const stillFocused = (page) => page.evaluate(() => document.activeElement?.probe === 'focused');

test('the focus stays on a node and on an inspector button while the cluster runs', async ({ page }) => {
  const problems = await openPage(page, '?seed=3&speed=1');
  await waitForLeader(page);
  // A node's button, reached with the keyboard: it keeps the focus through elections and
  // timers (frames redraw the node), and Enter still selects it.
  const hit = page.locator('[data-node-id="2"][data-role] .hit');
  await hit.focus();
  await markFocused(page);
  await page.waitForTimeout(1500);
  expect(await stillFocused(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.locator('.inspector h2')).toContainText('Node 2');
  // A button of the inspector, which is redrawn every frame (its timer row moves).
  const button = page.getByRole('button', { name: 'Force timeout on node 2' });
  await button.focus();
  await markFocused(page);
  await page.waitForTimeout(1000);
  expect(await stillFocused(page)).toBe(true);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('typed text, a moved slider and an opened section survive the redraws', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await waitForLeader(page);
  // Typing in the import box and in a settings field while the panels are redrawn.
  const box = page.getByRole('textbox', { name: 'Scenario text' });
  await box.click();
  await page.keyboard.type('crash 1\n');
  await page.waitForTimeout(600);
  await page.keyboard.type('run 1s');
  await expect(box).toHaveValue('crash 1\nrun 1s');
  const seed = page.locator('#set-seed');
  await seed.fill('1234');
  await page.waitForTimeout(600);
  await expect(seed).toHaveValue('1234');
  await expect(seed).toBeFocused();
  // The typed seed marks "Restart with these settings" as the thing to do.
  await seed.press('Tab');
  await expect(page.getByRole('button', { name: 'Restart with these settings' })).toHaveClass(/primary/);
  await expect(seed).toHaveValue('1234');
  // The embed options, opened, stay open; a choice in them stays.
  const options = page.locator('details.embed-form');
  await options.locator('summary').click();
  await options.locator('[data-embed=caption]').fill('my caption');
  await page.waitForTimeout(600);
  await expect(options).toHaveAttribute('open', '');
  await expect(options.locator('[data-embed=caption]')).toHaveValue('my caption');
  // The speed slider, moved by the keyboard, keeps the focus and its value.
  const speed = page.getByRole('slider', { name: 'Speed' });
  await speed.focus();
  await markFocused(page);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  const value = await speed.inputValue();
  await page.waitForTimeout(600);
  expect(await stillFocused(page)).toBe(true);
  expect(await speed.inputValue()).toBe(value);
  // A shortcut changes the speed: the slider follows once it is not in the reader's hands.
  await page.locator('body').click({ position: { x: 2, y: 300 } });
  await page.keyboard.press('+');
  await expect.poll(() => speed.inputValue()).not.toBe(value);
});

test('a checkbox or a select changed by the model follows it; one the reader set stays', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  const prevote = page.getByRole('checkbox', { name: 'Pre-vote' });
  await prevote.check();
  await page.waitForTimeout(600);
  await expect(prevote).toBeChecked();
  // Loading an example with other settings moves the controls to them.
  await page.getByRole('combobox', { name: 'Load an example' }).selectOption({ label: 'Figure 7: every follower log converges' });
  await page.getByRole('alertdialog').getByRole('button', { name: 'Replace' }).click();
  await expect(page.locator('#set-nodes')).toHaveValue('7');
  await expect(prevote).not.toBeChecked();
  await page.locator('#set-nodes').selectOption('3');
  await page.waitForTimeout(600);
  await expect(page.locator('#set-nodes')).toHaveValue('3');
  await expect(page.getByRole('button', { name: 'Restart with these settings' })).toHaveClass(/primary/);
});

test('a paused page does no work per frame', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  // Count the page's changes to the document over a second: none while paused.
  const changes = await page.evaluate(() => new Promise((done) => {
    let n = 0;
    const seen = new MutationObserver((list) => { n += list.length; });
    seen.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    setTimeout(() => { seen.disconnect(); done(n); }, 1000);
  }));
  expect(changes).toBe(0);
});
