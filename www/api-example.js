// A page that runs a Raft cluster with the playground's JavaScript API and draws it itself.
import init, { Simulation, useCatalog } from './raft-playground-api.js';
import { lang, t } from './i18n.js';

await init({ module_or_path: new URL('./raft-playground-api_bg.wasm', import.meta.url) });
// In Chinese, the events the simulation tells come in Chinese too.
if (lang === 'zh') {
  try {
    const response = await fetch(new URL('./i18n/zh-CN.txt', import.meta.url));
    if (response.ok) useCatalog(await response.text());
  } catch { /* the events stay in English */ }
}

const sim = new Simulation({ nodes: 5, seed: 7, electionMin: 150, electionMax: 300 });
const $ = (id) => document.getElementById(id);
let playing = true;
let nextEvent = 0;
let value = 1;
let last = performance.now();
const SPEED = 0.1; // virtual ms per real ms

function show(error) {
  $('error').textContent = error ? String(error.message || error) : '';
}

function act(f) {
  try { f(); show(); } catch (e) { show(e); }
  draw();
}

$('crash').onclick = () => act(() => { const s = sim.state(); if (s.leader == null) throw new Error(t('api.no_leader_to_crash', 'no leader to crash')); sim.crash(s.leader); });
$('restart').onclick = () => act(() => { for (const n of sim.state().nodes) if (n.role === 'crashed') sim.restart(n.id); });
$('partition').onclick = () => act(() => sim.partition([[1, 2], [3, 4, 5]]));
$('heal').onclick = () => act(() => sim.heal());
$('propose').onclick = () => act(() => sim.propose(`x=${value++}`));
$('pause').onclick = () => { playing = !playing; $('pause').textContent = playing ? t('api.b.pause', 'Pause') : t('api.play', 'Play'); last = performance.now(); };
$('bad').onclick = () => act(() => sim.crash(42));

const COLORS = { leader: '#10a37f', candidate: '#ea7b13', precandidate: '#d6a21e', follower: '#64748b', learner: '#8b5cf6', crashed: '#9aa3b2' };

function draw() {
  const s = sim.state();
  const n = s.nodes.length;
  const pos = new Map(s.nodes.map((node, k) => {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / n;
    return [node.id, [150 + 105 * Math.cos(a), 150 + 105 * Math.sin(a)]];
  }));
  let svg = '';
  for (const m of s.messages) {
    const [ax, ay] = pos.get(m.from); const [bx, by] = pos.get(m.to);
    const x = ax + (bx - ax) * m.progress; const y = ay + (by - ay) * m.progress;
    svg += `<circle data-message="${m.id}" data-kind="${m.kind}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${m.kind === 'append' ? 5 : 3}" fill="${m.kind.startsWith('vote') ? '#ea7b13' : '#2563eb'}"/>`;
  }
  for (const node of s.nodes) {
    const [x, y] = pos.get(node.id);
    svg += `<g data-node-id="${node.id}" data-role="${node.role}" data-term="${node.term}"><circle cx="${x}" cy="${y}" r="22" fill="${COLORS[node.role]}"/>` +
      `<text x="${x}" y="${y + 5}" text-anchor="middle" fill="#fff" font-weight="700">${node.id}</text></g>`;
  }
  $('ring').innerHTML = svg;
  $('nodes').tBodies[0].innerHTML = s.nodes.map((node) =>
    `<tr><td>${node.id}</td><td class="role-${node.role}">${t(`api.role.${node.role}`, node.role)}</td><td>${node.term}</td><td>${node.commitIndex}</td>` +
    `<td>${node.log.slice(-6).map((e) => `${e.index}:${e.command}${e.committed ? '' : '?'}`).join(' ')}</td></tr>`).join('');
  const leader = s.leader != null ? t('api.leader', `leader: node ${s.leader}`, { node: s.leader }) : t('api.no_leader', 'no leader');
  $('status').textContent = t('api.status', `t = {time} s · {leader} · {messages} messages in flight`,
    { time: (s.time / 1000).toFixed(3), leader, messages: s.messages.length }) +
    (s.violations.length ? ' · ' + t('api.violation', 'VIOLATION: {detail}', { detail: s.violations[0].detail }) : '');
  const { next, events } = sim.eventsSince(nextEvent);
  nextEvent = next;
  const log = $('log');
  for (const e of events) {
    if (e.category === 'message') continue; // every single message: too many to list
    const li = document.createElement('li');
    li.textContent = `${(e.time / 1000).toFixed(3)} s: ${e.text}`;
    log.prepend(li);
  }
  while (log.children.length > 200) log.lastChild.remove();
}

function frame(now) {
  // Frame timestamps can be a little older than the last one seen; a late frame does not catch up.
  if (playing) sim.advance(Math.min(100, Math.max(0, now - last)) * SPEED);
  last = now;
  draw();
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
window.simulation = sim; // for the curious (and the tests)
