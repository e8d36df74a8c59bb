// Types of the Raft Playground's JavaScript API (raft-playground.js).
// Times are virtual milliseconds. Methods throw an Error with a clear message on bad input.

export type Role = 'leader' | 'candidate' | 'precandidate' | 'follower' | 'learner' | 'crashed';
export type MessageKind =
  | 'vote-request' | 'vote-response' | 'prevote-request' | 'prevote-response'
  | 'append' | 'heartbeat' | 'append-response' | 'snapshot' | 'snapshot-response' | 'timeout-now';

export interface Options {
  nodes?: number;          // 1 to 9 (default 5)
  seed?: number;           // default 1
  prevote?: boolean;       // default false
  checkquorum?: boolean;   // default false
  electionMin?: number;    // ms, default 150
  electionMax?: number;    // ms, default 300
  heartbeat?: number;      // ms, default 50
  latencyMin?: number;     // ms, default 10
  latencyMax?: number;     // ms, default 20
  loss?: number;           // 0 to 1, default 0
  rate?: number;           // client requests per second, default 0
}

export interface Entry { index: number; term: number; command: string; committed: boolean; }

export interface NodeState {
  id: number;
  role: Role;
  term: number;
  votedFor: number | null;
  leader: number | null;
  commitIndex: number;
  appliedIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  timerElapsed: number;
  timerTimeout: number;
  /** A leader that cannot commit: cut off from a majority, or replaced by a newer term it has not heard of yet. */
  stale: 'no-majority' | 'newer-term' | null;
  log: Entry[];
}

export interface MessageState {
  id: number;
  kind: MessageKind;
  from: number;
  to: number;
  term: number;
  sentAt: number;
  deliverAt: number;
  progress: number;        // 0 to 1
}

export interface Violation { invariant: string; time: number; detail: string; }

export interface State {
  time: number;
  leader: number | null;
  nodes: NodeState[];
  messages: MessageState[];
  partition: number[][];
  cuts: [number, number][];
  violations: Violation[];
  /** Linearizability searches that gave up (too tangled to decide): reported, never a pass. */
  inconclusive: string[];
}

export interface Event {
  time: number;
  category: 'election' | 'replication' | 'client' | 'fault' | 'message' | 'safety';
  nodes: number[];
  text: string;
}

export class Simulation {
  /** A cluster from options, or from scenario text (the scenario language). */
  constructor(options?: Options | string);
  static fromScenario(text: string): Simulation;
  readonly time: number;
  advance(ms: number): void;
  step(): void;
  seek(ms: number): void;
  state(): State;
  leader(): number | undefined;
  eventsSince(from: number): { next: number; events: Event[] };
  crash(node: number): void;
  restart(node: number): void;
  timeout(node: number): void;
  partition(groups: number[][]): void;
  heal(): void;
  cut(from: number, to: number): void;
  uncut(from: number, to: number): void;
  propose(command: string, via?: number): void;
  dropMessage(id: number): void;
  setLoss(probability: number): void;
  setLatency(minMs: number, maxMs: number): void;
  /** Any intervention of the scenario language, e.g. "partition 1,2 | 3,4,5". */
  run(line: string): void;
  exportScenario(): string;
  /** A fingerprint of the trace so far: 16 lowercase hex digits, equal for the same options
   *  and calls in every engine and natively. */
  traceHash(): string;
  free(): void;
}

/** [events, wall milliseconds] to simulate `virtualMs` of a cluster with the checker off. */
export function benchmarkSimulator(nodes: number, rate: number, virtualMs: number): number[];

/** Events are told in the language of this catalog file (the site's `i18n/zh-CN.txt`); `lang` defaults to `zh-CN`. Throws on a malformed file. */
export function useCatalog(text: string, lang?: string): void;

export default function init(module?: { module_or_path?: string | URL | Response | BufferSource }): Promise<unknown>;
