/**
 * A seeded synthetic rating population with ground truth, to measure the detectors: an honest
 * population (tutors and students rating each other after real sessions, reciprocal tutor↔student
 * pairs, study groups rating one another, lectures, reminder waves of late ratings, a semester
 * cohort of new accounts, generous and harsh raters) plus injected fraud (rings, colluding pairs,
 * bursts of hired accounts, Sybil clusters of new accounts, serial raters, consensus outliers).
 * The same seed and size give the same population (mulberry32; no Math.random).
 */
import type { AgentKey, FraudSignalKind } from '../model';
import type { RatingFact } from './detectors';
import { mulberry32 } from './random';

const HOUR = 3600;
const DAY = 86_400;
const WEEK = 7 * DAY;
/** Monday 5 January 2026, 00:00 UTC: the population's first day. */
const START_SEC = Date.UTC(2026, 0, 5) / 1000;
const SPAN_DAYS = 180;
const END_SEC = START_SEC + SPAN_DAYS * DAY;
/** Honest ratings one student brings on average (sessions × rating probabilities), to size the population. */
const RATINGS_PER_STUDENT = 20;
/** Injected fraud units of each kind per this many ratings. */
const RATINGS_PER_FRAUD_UNIT = 5000;
const MIN_FRAUD_UNITS = 4;

export interface SyntheticOptions {
  seed: number;
  /** About this many ratings in all. */
  ratings: number;
}

/** One injected fraud: its kind and the accounts a detector should name. */
export interface FraudUnit {
  kind: FraudSignalKind;
  members: AgentKey[];
}

export interface SyntheticPopulation {
  ratings: RatingFact[];
  /** Every account that took part in an injected fraud (the ground truth for precision). */
  fraudulent: Set<AgentKey>;
  units: FraudUnit[];
  /** Honest people who rated each other both ways (the pairs that must not be flagged). */
  honestReciprocalPairs: Array<[AgentKey, AgentKey]>;
}

interface Person {
  key: AgentKey;
  joinSec: number;
  /** The score they deserve, 1–5. */
  quality: number;
  /** How they rate others: added to the ratee's quality. */
  bias: number;
  /** Rates everyone 5. */
  generous: boolean;
}

class Generator {
  readonly ratings: Array<Omit<RatingFact, 'raterFirstSeenSec'>> = [];
  readonly fraudulent = new Set<AgentKey>();
  readonly units: FraudUnit[] = [];
  readonly firstSeen = new Map<AgentKey, number>();
  readonly tutors: Person[] = [];
  readonly students: Person[] = [];
  private readonly random: () => number;
  private people = 0;
  private sessions = 0;
  private tutorWeights: number[] = [];

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  integer(low: number, high: number): number {
    return Math.floor(this.uniform(low, high + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
  }

  pick<T>(list: T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  person(joinSec: number, quality = Math.min(4.9, Math.max(2.5, 4.2 + 0.45 * this.normal()))): Person {
    this.people += 1;
    const harsh = this.chance(0.03);
    return { key: `account:https://school.example|p${this.people}`, joinSec, quality, bias: harsh ? -1 : 0.4 * this.normal(), generous: this.chance(0.08) };
  }

  fraudster(joinSec: number): Person {
    const person = this.person(joinSec, this.uniform(2.8, 4));
    this.fraudulent.add(person.key);
    return person;
  }

  session(): string {
    this.sessions += 1;
    return `https://school.example/sessions/${this.sessions}`;
  }

  honestScore(rater: Person, ratee: Person): number {
    if (rater.generous) return 5;
    return Math.min(5, Math.max(1, Math.round(ratee.quality + rater.bias + 0.6 * this.normal())));
  }

  /** Both attended `session`, which ended at `endSec`; the rater's rating of the ratee is stored at `storedSec`. */
  rate(rater: Person, ratee: Person, session: string, endSec: number, storedSec: number, score = this.honestScore(rater, ratee)): void {
    this.attend(rater, endSec);
    this.attend(ratee, endSec);
    const n = this.ratings.length + 1;
    const id = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(n * 2654435761 % 2 ** 48).toString(16).padStart(12, '0')}`;
    this.ratings.push({ id, rater: rater.key, ratee: ratee.key, session, score, storedSec: Math.round(storedSec) });
  }

  /** First seen: their first attendance (an hour before the session ended). */
  attend(person: Person, endSec: number): void {
    const known = this.firstSeen.get(person.key);
    if (known === undefined || endSec - HOUR < known) this.firstSeen.set(person.key, Math.round(endSec - HOUR));
  }

  /** When an honest rating after a session ending at `endSec` is stored: soon, or at the next Monday's reminder. */
  honestDelay(endSec: number): number {
    if (this.chance(0.7)) return endSec + this.uniform(60, 2 * HOUR);
    const mondayNine = START_SEC + Math.ceil((endSec - START_SEC - 9 * HOUR) / WEEK) * WEEK + 9 * HOUR;
    return mondayNine + this.uniform(0, HOUR);
  }

  /** A time of day sessions end at (09:00–21:00) on the day of `sec`. */
  sessionEnd(sec: number): number {
    return Math.floor(sec / DAY) * DAY + this.uniform(9 * HOUR, 21 * HOUR);
  }

  pickTutor(): Person {
    const target = this.random() * this.tutorWeights[this.tutorWeights.length - 1];
    let low = 0;
    let high = this.tutorWeights.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.tutorWeights[middle] < target) low = middle + 1;
      else high = middle;
    }
    return this.tutors[low];
  }

  /** Sessions of one student with one tutor; after each, each may rate the other. */
  tutoring(student: Person, tutor: Person, sessions: number, gapDays: [number, number]): void {
    let day = Math.max(student.joinSec, tutor.joinSec) + this.uniform(0, 20 * DAY);
    for (let i = 0; i < sessions && day < END_SEC; i += 1) {
      const session = this.session();
      const end = this.sessionEnd(day);
      if (this.chance(0.8)) this.rate(student, tutor, session, end, this.honestDelay(end));
      if (this.chance(0.6)) this.rate(tutor, student, session, end, this.honestDelay(end));
      day += this.uniform(gapDays[0] * DAY, gapDays[1] * DAY);
    }
  }

  honestPopulation(ratings: number): void {
    const studentCount = Math.max(40, Math.round(ratings / RATINGS_PER_STUDENT));
    const tutorCount = Math.max(5, Math.round(studentCount / 8));
    for (let i = 0; i < tutorCount; i += 1) this.tutors.push(this.person(START_SEC + this.uniform(0, 20 * DAY)));
    let cumulative = 0;
    this.tutorWeights = this.tutors.map((_, i) => (cumulative += 1 / (i + 1) ** 0.8));
    for (let i = 0; i < studentCount; i += 1) {
      const joinDay = this.chance(0.3) ? this.uniform(0, 3) : this.uniform(0, 150);
      this.students.push(this.person(START_SEC + joinDay * DAY));
    }
    for (const student of this.students) this.tutorRelationships(student);
    this.studyGroups();
    this.lectures();
  }

  tutorRelationships(student: Person): void {
    const count = this.integer(1, 3);
    for (let i = 0; i < count; i += 1) {
      const sessions = Math.min(25, 1 + Math.floor(-Math.log(1 - this.random()) * 5));
      const intense = this.chance(0.1);
      this.tutoring(student, this.pickTutor(), sessions, intense ? [1, 2] : [3, 10]);
    }
  }

  /** Groups of 4–8 students meeting weekly, sometimes with a tutor; members rate one to three others after each. */
  studyGroups(): void {
    const groups = Math.round((this.students.length * 0.4) / 6);
    for (let g = 0; g < groups; g += 1) {
      const members = Array.from({ length: this.integer(4, 8) }, () => this.pick(this.students));
      const tutor = this.chance(0.5) ? this.pickTutor() : undefined;
      let day = Math.max(...members.map((member) => member.joinSec)) + this.uniform(0, 14 * DAY);
      const meetings = this.integer(4, 10);
      for (let m = 0; m < meetings && day < END_SEC; m += 1, day += this.uniform(6 * DAY, 8 * DAY)) {
        const session = this.session();
        const end = this.sessionEnd(day);
        for (const member of members) {
          if (!this.chance(0.7)) continue;
          const rated = this.integer(1, 3);
          for (let r = 0; r < rated; r += 1) {
            const other = this.pick(members);
            if (other !== member) this.rate(member, other, session, end, this.honestDelay(end));
          }
          if (tutor && this.chance(0.5)) this.rate(member, tutor, session, end, this.honestDelay(end));
        }
      }
    }
  }

  /** Lectures: 15–40 students in one session rate their tutor within two hours. */
  lectures(): void {
    for (const tutor of this.tutors) {
      const count = this.integer(0, 3);
      for (let l = 0; l < count; l += 1) {
        const session = this.session();
        const end = this.sessionEnd(tutor.joinSec + this.uniform(10 * DAY, (SPAN_DAYS - 30) * DAY));
        const audience = this.integer(15, 40);
        for (let a = 0; a < audience; a += 1) if (this.chance(0.7)) this.rate(this.pick(this.students), tutor, session, end, end + this.uniform(60, 2 * HOUR));
      }
    }
  }

  /** An established account with an ordinary past: one tutor, a few sessions. */
  camouflaged(joinSec: number): Person {
    const person = this.fraudster(joinSec);
    this.tutoring(person, this.pickTutor(), this.integer(1, 3), [3, 10]);
    return person;
  }

  ring(): void {
    const size = this.integer(3, 8);
    const startSec = START_SEC + this.uniform(30, 150) * DAY;
    const members = Array.from({ length: size }, () => this.camouflaged(startSec - this.uniform(10, 30) * DAY));
    const cycle = this.chance(0.4);
    const rounds = cycle ? this.integer(4, 8) : this.integer(3, 6);
    let day = startSec;
    for (let round = 0; round < rounds; round += 1, day += this.uniform(1, 3) * DAY) {
      const session = this.session();
      const end = this.sessionEnd(day);
      members.forEach((member, i) => {
        const targets = cycle ? [members[(i + 1) % size]] : members.filter((other) => other !== member && this.chance(0.9));
        for (const target of targets) this.rate(member, target, session, end, end + this.uniform(60, HOUR), this.chance(0.95) ? 5 : 4);
      });
    }
    this.units.push({ kind: 'ring', members: members.map((member) => member.key) });
  }

  colludingPair(): void {
    const startSec = START_SEC + this.uniform(30, 160) * DAY;
    const [a, b] = [this.camouflaged(startSec - 20 * DAY), this.camouflaged(startSec - 15 * DAY)];
    const sessions = this.integer(5, 10);
    const spanSec = this.uniform(2, 10) * DAY;
    for (let s = 0; s < sessions; s += 1) {
      const session = this.session();
      const end = startSec + (spanSec * s) / sessions;
      this.rate(a, b, session, end, end + this.uniform(30, 600), this.chance(0.95) ? 5 : 4);
      this.rate(b, a, session, end, end + this.uniform(30, 600), this.chance(0.95) ? 5 : 4);
    }
    this.units.push({ kind: 'reciprocal-pair', members: [a.key, b.key] });
  }

  /** Hired established accounts rate one tutor 5 within an hour, each from a session of its own. */
  burst(): void {
    const target = this.pickTutor();
    const atSec = START_SEC + this.uniform(60, 170) * DAY;
    const hired = Array.from({ length: this.integer(10, 20) }, () => this.camouflaged(atSec - this.uniform(30, 60) * DAY));
    for (const account of hired) {
      const end = atSec + this.uniform(0, 50 * 60);
      this.rate(account, target, this.session(), end, end + this.uniform(30, 600), 5);
    }
    this.units.push({ kind: 'burst', members: hired.map((account) => account.key) });
  }

  /**
   * New accounts created within hours of one another, each attending one of the beneficiary's sessions
   * at once and rating them (sometimes a second person too) 5 in the following days.
   */
  sybilCluster(): void {
    const beneficiary = this.pick(this.students);
    const second = this.pick(this.students);
    const createdSec = START_SEC + this.uniform(20, 170) * DAY;
    const sessions = [this.session(), this.session()];
    const sybils = Array.from({ length: this.integer(5, 12) }, () => this.fraudster(createdSec + this.uniform(0, 12 * HOUR)));
    for (const sybil of sybils) {
      const end = sybil.joinSec + HOUR;
      this.rate(sybil, beneficiary, this.pick(sessions), end, end + this.uniform(HOUR, 3 * DAY), this.chance(0.95) ? 5 : 4);
      if (this.chance(0.3)) this.rate(sybil, second, this.session(), end, end + this.uniform(HOUR, 3 * DAY), 5);
    }
    this.units.push({ kind: 'new-account-cluster', members: sybils.map((sybil) => sybil.key) });
  }

  /** One account rates the same person 6–12 times within a day or two (all 5, or all 1). */
  serialRater(): void {
    const target = this.pickTutor();
    const atSec = START_SEC + this.uniform(40, 170) * DAY;
    const rater = this.camouflaged(atSec - 30 * DAY);
    const times = this.integer(6, 12);
    const spanSec = this.uniform(20, 40) * HOUR;
    const score = this.chance(0.7) ? 5 : 1;
    const oneSession = this.chance(0.3) ? this.session() : undefined;
    for (let t = 0; t < times; t += 1) {
      const end = atSec + (spanSec * t) / times;
      this.rate(rater, target, oneSession ?? this.session(), end, end + this.uniform(30, 600), score);
    }
    this.units.push({ kind: 'serial-rating', members: [rater.key] });
  }

  /** One account rates well-rated tutors 1, ten to twenty times. */
  outlier(): void {
    const startSec = START_SEC + this.uniform(30, 120) * DAY;
    const rater = this.camouflaged(startSec - 20 * DAY);
    const wellRated = this.tutors.filter((tutor) => tutor.quality >= 4);
    const count = this.integer(10, 20);
    for (let t = 0; t < count; t += 1) {
      const end = startSec + this.uniform(0, 50) * DAY;
      this.rate(rater, this.pick(wellRated), this.session(), end, end + this.uniform(60, 2 * HOUR), 1);
    }
    this.units.push({ kind: 'consensus-outlier', members: [rater.key] });
  }
}

function honestReciprocalPairs(ratings: RatingFact[], fraudulent: Set<AgentKey>): Array<[AgentKey, AgentKey]> {
  const directions = new Set(ratings.map((rating) => `${rating.rater}\n${rating.ratee}`));
  const pairs: Array<[AgentKey, AgentKey]> = [];
  for (const direction of directions) {
    const [a, b] = direction.split('\n');
    if (a < b && directions.has(`${b}\n${a}`) && !fraudulent.has(a) && !fraudulent.has(b)) pairs.push([a, b]);
  }
  return pairs;
}

export function syntheticPopulation(options: SyntheticOptions): SyntheticPopulation {
  const generator = new Generator(options.seed);
  generator.honestPopulation(options.ratings * 0.95);
  const units = Math.max(MIN_FRAUD_UNITS, Math.round(options.ratings / RATINGS_PER_FRAUD_UNIT));
  for (let u = 0; u < units; u += 1) {
    generator.ring();
    generator.colludingPair();
    generator.burst();
    generator.sybilCluster();
    generator.serialRater();
    generator.outlier();
  }
  const ratings = generator.ratings.map((rating) => ({ ...rating, raterFirstSeenSec: generator.firstSeen.get(rating.rater)! }));
  return { ratings, fraudulent: generator.fraudulent, units: generator.units, honestReciprocalPairs: honestReciprocalPairs(ratings, generator.fraudulent) };
}
