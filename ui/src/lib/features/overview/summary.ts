import type { ComputerFacts } from '../../ipc';
import { percent } from '../../format';
import type { Level } from '../../status';

/** The one plain sentence on top of the Overview. */
export function summarise(facts: ComputerFacts): { level: Level; sentence: string } {
  const problems: string[] = [];
  let level: Level = 'good';
  const memory = percent(facts.memory_used_bytes, facts.memory_total_bytes);
  if (memory >= 90) {
    problems.push('memory is almost full');
    level = 'danger';
  } else if (memory >= 80) {
    problems.push('memory is getting full');
    if (level === 'good') level = 'warning';
  }
  for (const disk of facts.disks) {
    const used = percent(disk.used_bytes, disk.total_bytes);
    if (used >= 90) {
      problems.push(`the disk at ${disk.mount_point} is almost full`);
      level = 'danger';
    } else if (used >= 80) {
      problems.push(`the disk at ${disk.mount_point} is getting full`);
      if (level === 'good') level = 'warning';
    }
  }
  if (problems.length === 0) {
    return { level, sentence: `${facts.hostname} has plenty of memory and disk space.` };
  }
  const count = problems.length === 1 ? '1 thing needs' : `${problems.length} things need`;
  return { level, sentence: `${count} attention: ${problems.join('; ')}.` };
}
