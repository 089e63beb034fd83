import type { Logger } from "@clarus/common";
import { Cron } from "croner";
import type { Experiment } from "../experiments/experiment.js";

type Fire = (experiment: Experiment, source: "poll" | "schedule") => Promise<void>;

interface ExperimentTimers {
  poll: NodeJS.Timeout | undefined;
  schedule: Cron | undefined;
}

/**
 * Poll intervals and cron schedules of the experiments in force. A poll or schedule still working when its next tick
 * comes skips that tick (croner's `protect`, and a flag for polls), so a slow storage never stacks them up.
 */
export class TriggerTimers {
  private timers = new Map<string, ExperimentTimers>();

  constructor(
    private readonly logger: Logger,
    private readonly fire: Fire,
  ) {}

  /** Replaces every timer by those of `experiments`. */
  apply(experiments: Experiment[]): void {
    this.stop();
    for (const experiment of experiments) {
      const { pollSeconds, schedule, timezone } = experiment.triggers;
      const timers: ExperimentTimers = { poll: undefined, schedule: undefined };
      if (pollSeconds !== undefined) {
        let busy = false;
        const tick = () => {
          if (busy) return;
          busy = true;
          this.guarded(experiment, "poll").finally(() => {
            busy = false;
          });
        };
        timers.poll = setInterval(tick, pollSeconds * 1000);
        timers.poll.unref();
        // The first look happens at once, so data that landed while the service was down is not left waiting.
        setImmediate(tick);
      }
      if (schedule !== undefined) {
        timers.schedule = new Cron(schedule, { protect: true, unref: true, ...(timezone ? { timezone } : {}) }, () =>
          this.guarded(experiment, "schedule"),
        );
      }
      this.timers.set(experiment.id, timers);
    }
  }

  nextRun(experimentId: string): Date | undefined {
    return this.timers.get(experimentId)?.schedule?.nextRun() ?? undefined;
  }

  stop(): void {
    for (const timers of this.timers.values()) {
      if (timers.poll) clearInterval(timers.poll);
      timers.schedule?.stop();
    }
    this.timers.clear();
  }

  private async guarded(experiment: Experiment, source: "poll" | "schedule"): Promise<void> {
    try {
      await this.fire(experiment, source);
    } catch (err) {
      this.logger.warn({ err, experiment: experiment.id, source }, `${source} of the new data failed; the next one tries again`);
    }
  }
}
