// Prints, after a failed run, each failure in the TAP output with its
// error, leaving out the steps cancelled only because their suite failed:
// the end of a long log is what a reader sees first.
import { readFile } from 'node:fs/promises';

const lines = (await readFile(process.argv[2], 'utf8')).split('\n');
const failures = [];
for (let i = 0; i < lines.length; i++) {
  const head = lines[i].match(/^\s*not ok \d+ - (.*)$/);
  if (!head) continue;
  const block = [];
  for (i++; i < lines.length && lines[i].trim() !== '...'; i++) block.push(lines[i].trim());
  if (block.some((l) => l.includes('cancelledByParent'))) continue;
  failures.push([head[1], ...block.filter((l) => l !== '---').slice(0, 24)]);
}
if (failures.length > 0) {
  console.log(`\n${failures.length} end-to-end failure(s), each with its error:`);
  for (const [name, ...block] of failures) console.log(`\n✗ ${name}\n  ${block.join('\n  ')}`);
}
