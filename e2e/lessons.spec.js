// Lessons (issues 10, 11): every lesson played end to end in English and Chinese with Next, the
// interactive steps of the partition, leader-crash and replication lessons done through the
// page's real controls (the others with "do it for me"), the partition lesson on a 390 px
// phone, Back as exact time travel, ?lesson=&step=, progress, and the Chinese page with no
// stray English.
const { test, expect } = require('@playwright/test');
const { openPage, strayLatin } = require('./helpers');

const LESSONS = ['election', 'split-vote', 'leader-crash', 'replication', 'log-repair', 'voting-rule', 'figure8',
  'partition', 'prevote', 'check-quorum', 'membership', 'snapshots', 'transfer', 'reads',
  'zeebe-partitions', 'zeebe-broker-failure', 'zeebe-priority'];

/** The panel's page contract attributes. */
async function lessonState(page) {
  return page.locator('[data-lesson]').evaluate((e) => ({
    id: e.dataset.lesson, step: Number(e.dataset.lessonStep), steps: Number(e.dataset.lessonSteps),
    waiting: e.dataset.lessonWaiting === 'true', phase: e.dataset.lessonPhase,
  }));
}

const node = (page, id) => page.locator(`[data-node-id="${id}"][data-role]`);
const cell = (page, p, b) => page.locator(`[data-partition-id="${p}"][data-broker-id="${b}"]`);

/**
 * Plays the lesson on show to its end: Next through every step; an interactive step is done
 * with `real[step]` (the page's controls) when given, else with "do it for me". Fails if the
 * lesson ever says its story cannot go on. Returns the steps done with real controls.
 */
async function playLesson(page, real = {}) {
  const done = [];
  for (let guard = 0; guard < 120; guard++) {
    const s = await lessonState(page);
    if (s.phase === 'off-path' || s.phase === 'blocked') {
      throw new Error(`${s.id} step ${s.step}: ${await page.locator('[data-lesson] .lesson-body').innerText()}`);
    }
    if (s.phase === 'finished') {
      expect(s.step).toBe(s.steps);
      return done;
    }
    if (s.phase === 'waiting') {
      if (real[s.step]) {
        await real[s.step](page);
        done.push(s.step);
      } else {
        await page.locator('[data-lesson-do]').click();
      }
      // Detected by its effect: the lesson goes on to the next step.
      await expect.poll(async () => (await lessonState(page)).step, { timeout: 10_000 }).toBeGreaterThan(s.step);
      continue;
    }
    // The step may end by itself (the last one then finishes): a disabled Next is not clicked.
    const clicked = await page.locator('[data-lesson-next]:not([disabled])').click({ timeout: 2_000 }).then(() => true, () => false);
    if (!clicked) continue;
    await expect.poll(async () => {
      const now = await lessonState(page);
      return now.step !== s.step || now.phase !== s.phase;
    }, { timeout: 10_000 }).toBe(true);
  }
  throw new Error('the lesson never finished');
}

/** The real controls, by their accessible names, in each language. */
const WORDS = {
  en: {
    minority: 'Leader in a minority', heal: 'Heal the network', request: 'Send a client request',
    requestTo: (n) => `Send a client request to node ${n}`, crash: (n) => `Crash node ${n}`, restart: (n) => `Restart node ${n}`,
    checkQuorum: 'Check-quorum', crashBroker: (b) => `Crash broker ${b}`, restartBroker: (b) => `Restart broker ${b}`,
    rebalance: 'Rebalance',
  },
  zh: {
    minority: '让领导者落入少数派', heal: '恢复网络', request: '发送一个客户端请求',
    requestTo: (n) => `向节点 ${n} 发送一个客户端请求`, crash: (n) => `让节点 ${n} 崩溃`, restart: (n) => `重启节点 ${n}`,
    checkQuorum: 'CheckQuorum', crashBroker: (b) => `让代理节点 ${b} 崩溃`, restartBroker: (b) => `重启代理节点 ${b}`,
    rebalance: '重新平衡',
  },
};

/** Real-control steps of the three lessons the issue names, in a language. */
function realSteps(lang, { tap = false } = {}) {
  const w = WORDS[lang];
  const press = async (page, locator) => (tap ? locator.tap() : locator.click());
  const button = (page, name) => page.getByRole('button', { name, exact: true });
  return {
    partition: {
      2: (page) => press(page, button(page, w.minority)),
      3: async (page) => { await press(page, node(page, 1)); await press(page, button(page, w.requestTo(1))); },
      6: (page) => press(page, button(page, w.request)),
      8: (page) => press(page, button(page, w.heal)),
      10: (page) => press(page, page.getByRole('checkbox', { name: w.checkQuorum, exact: true })),
    },
    'leader-crash': {
      2: async (page) => { await press(page, node(page, 4)); await press(page, button(page, w.crash(4))); },
      5: async (page) => { await press(page, node(page, 4)); await press(page, button(page, w.restart(4))); },
    },
    replication: {
      2: (page) => press(page, button(page, w.request)),
      7: async (page) => { await press(page, node(page, 3)); await press(page, button(page, w.crash(3))); },
    },
    // Zeebe: a broker's cell in the table, then the inspector's button; the table's Rebalance.
    'zeebe-broker-failure': {
      2: async (page) => { await press(page, cell(page, 3, 2)); await press(page, button(page, w.crashBroker(2))); },
      5: async (page) => { await press(page, cell(page, 2, 1)); await press(page, button(page, w.crashBroker(1))); },
    },
    'zeebe-priority': {
      2: async (page) => { await press(page, cell(page, 1, 0)); await press(page, button(page, w.crashBroker(0))); },
      6: async (page) => { await press(page, cell(page, 1, 0)); await press(page, button(page, w.restartBroker(0))); },
      8: (page) => press(page, button(page, w.rebalance)),
    },
  };
}

for (const lang of ['en', 'zh']) {
  test(`every lesson plays end to end in ${lang === 'en' ? 'English' : 'Chinese'}`, async ({ page }) => {
    test.setTimeout(180_000);
    const problems = await openPage(page, `?lang=${lang}&speed=50&lesson=${LESSONS[0]}`);
    const real = realSteps(lang);
    for (const id of LESSONS) {
      if (id !== LESSONS[0]) await page.goto(`./?lang=${lang}&speed=50&lesson=${id}`);
      await expect(page.locator(`[data-lesson="${id}"]`)).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', lang === 'en' ? 'en' : 'zh-CN');
      const used = await playLesson(page, real[id] || {});
      if (real[id]) expect(used, `${id}: the interactive steps done with the page's controls`).toEqual(Object.keys(real[id]).map(Number));
    }
    expect(problems).toEqual([]);
  });
}

test('a reader finishes the partition lesson on a 390 px phone, by touch, in Chinese', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = await openPage(page, '?lang=zh&speed=2&lesson=partition');
  await expect(page.locator('[data-lesson="partition"]')).toBeVisible();
  // The whole panel and the cluster fit the phone's width.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  const used = await playLesson(page, realSteps('zh', { tap: true }).partition);
  expect(used).toEqual([2, 3, 6, 8, 10]);
  // The story told is the story that happened: only the majority side elected, the heal
  // rolled x=1 back, and check-quorum made the cut-off leader step down.
  await expect(node(page, 3)).toHaveAttribute('data-role', 'follower');
  await expect(page.locator('[data-log-entry][data-committed="true"]', { hasText: 'x=1' })).toHaveCount(0);
  expect(problems).toEqual([]);
  await context.close();
});

test('Back returns to the exact start of the previous step; ?step= opens at a step; progress is remembered', async ({ page }) => {
  await openPage(page, '?lang=en&speed=50&lesson=leader-crash&step=3');
  await expect(page.locator('[data-lesson="leader-crash"]')).toHaveAttribute('data-lesson-step', '3');
  await expect(node(page, 4)).toHaveAttribute('data-role', 'crashed');
  // At 50x a step plays to its end in a moment: wait for it (clicking Next while it plays
  // would race with its end and could start the next step).
  const finish = async () => {
    const step = await page.locator('[data-lesson]').getAttribute('data-lesson-step');
    await expect.poll(async () => (await lessonState(page)).phase, { timeout: 15_000 }).toBe('done');
    await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-step', step);
    return page.locator('[data-sim-time]').first().getAttribute('data-sim-time');
  };
  const endOf3 = await finish();
  const roles3 = await page.locator('[data-node-id][data-role]').evaluateAll((els) => els.map((e) => `${e.dataset.nodeId}:${e.dataset.role}:${e.dataset.term}`));
  await page.locator('[data-lesson-next]').click();
  await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-step', '4');
  await finish();
  // Back: step 3 again, from its start (node 4 crashed, the new leader not yet elected).
  await page.locator('[data-lesson-back]').click();
  await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-step', '3');
  expect(await finish()).toBe(endOf3);
  const again = await page.locator('[data-node-id][data-role]').evaluateAll((els) => els.map((e) => `${e.dataset.nodeId}:${e.dataset.role}:${e.dataset.term}`));
  expect(again).toEqual(roles3);
  // Back again: the interactive step 2 waits for the reader again, node 4 up.
  await page.locator('[data-lesson-back]').click();
  await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-step', '2');
  await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-waiting', 'true');
  await expect(node(page, 4)).toHaveAttribute('data-role', 'leader');
  await expect(page).toHaveURL(/lesson=leader-crash&step=2/);
  // Doing something else than asked breaks the story: the lesson says so and replays.
  await node(page, 2).click();
  await page.getByRole('button', { name: 'Crash node 2', exact: true }).click();
  await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-phase', 'off-path');
  await page.getByRole('button', { name: 'Replay this step' }).click();
  await expect(page.locator('[data-lesson]')).toHaveAttribute('data-lesson-waiting', 'true');
  await expect(node(page, 2)).toHaveAttribute('data-role', 'follower');
  // Play freely: the lesson leaves, the cluster stays.
  await page.getByRole('button', { name: 'Play freely from here' }).click();
  await expect(page.locator('[data-lesson]')).toHaveCount(0);
  await expect(node(page, 4)).toHaveAttribute('data-role', 'leader');
  await expect(page).not.toHaveURL(/lesson=/);
  // The list of lessons shows how far the reader got.
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  await expect(page.locator('[data-lesson-id="leader-crash"] .lesson-progress')).toContainText('step 4 of 6');
  await page.locator('[data-lesson-id="election"]').click();
  await expect(page.locator('[data-lesson="election"]')).toBeVisible();
});

test('the page, a lesson and the documentation pages in Chinese show no stray English', async ({ page }) => {
  const problems = await openPage(page, '?lang=zh&seed=5');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page).toHaveTitle('Raft 演练场');
  await page.waitForTimeout(1500);
  expect(await strayLatin(page), 'the playground').toEqual([]);
  await page.getByRole('button', { name: '课程', exact: true }).click();
  await expect(page.locator('.lesson-item')).toHaveCount(LESSONS.length);
  expect(await strayLatin(page), 'the list of lessons').toEqual([]);
  await page.locator('[data-lesson-id="partition"]').click();
  await expect(page.locator('[data-lesson="partition"]')).toBeVisible();
  for (let step = 0; step < 4; step++) {
    expect(await strayLatin(page), `the partition lesson, step ${step + 1}`).toEqual([]);
    const s = await lessonState(page);
    await page.locator(s.waiting ? '[data-lesson-do]' : '[data-lesson-next]').click();
    await page.waitForTimeout(300);
  }
  // A parse error is told in Chinese too.
  await page.getByRole('button', { name: '从这里自由探索' }).click();
  await page.getByRole('textbox', { name: '场景文本' }).fill('run 2x');
  await page.getByRole('button', { name: '在当前集群上运行' }).click();
  await expect(page.locator('.share [role="alert"]')).toHaveText('第 1 行第 5 列：应为时长，例如 250ms 或 2s，实际是`2x`');
  expect(problems).toEqual([]);
  for (const doc of ['embed.html', 'api.html', 'language.html']) {
    await page.goto(`./${doc}?lang=zh`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    if (doc === 'api.html') await expect(page.locator('#log li').first()).toBeVisible();
    const stray = await strayLatin(page);
    if (doc === 'language.html') continue; // its reference tables stay in English (see README)
    expect(stray, doc).toEqual([]);
  }
});

test('the header switches the language, remembers it, and tells what happened again', async ({ page }) => {
  await openPage(page, '?seed=5&speed=0.5');
  await expect(page.locator('.event-list')).toContainText('won the election', { timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('button', { name: '发送一个客户端请求' })).toBeVisible();
  await expect(page.locator('.event-list')).toContainText('赢得选举');
  await expect(page.locator('.event-list')).not.toContainText('won the election');
  await page.goto('./?seed=5');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
