import { isAbsolute, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { remark } from 'remark';
import remarkValidateLinks from 'remark-validate-links';
import { engine, type Options as EngineOptions } from 'unified-engine';

/** The part of a checked file (a vfile) this check reads and writes. */
interface CheckedFile {
  path: string;
  dirname?: string | undefined;
  messages: { line?: number | null | undefined; reason: string }[];
  message(
    reason: string,
    options: { place?: { line: number; column: number } | undefined; ruleId: string },
  ): unknown;
}

/** The part of a markdown syntax tree this check reads: nodes, their children, and the url of links. */
interface MdNode {
  type: string;
  url?: string | undefined;
  children?: MdNode[] | undefined;
  position?: { start: { line: number; column: number } } | undefined;
}

const LINK_TYPES = new Set(['link', 'image', 'definition']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

function* linksOf(node: MdNode): Generator<MdNode> {
  if (LINK_TYPES.has(node.type) && typeof node.url === 'string') yield node;
  for (const child of node.children ?? []) yield* linksOf(child);
}

/** Why a link is not allowed to leave the repository, or undefined when it is fine (a relative or https link). */
function leavesRepository(url: string, fileDir: string, root: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `unreadable absolute link ${url}`;
    }
    if (parsed.protocol !== 'https:') return `absolute link ${url} is not https`;
    if (LOOPBACK_HOSTS.has(parsed.hostname)) {
      return `link ${url} points at a local machine, not a public page`;
    }
    return undefined;
  }
  if (url.startsWith('#') || url === '') return undefined;
  const path = decodeURIComponent(url.split('#')[0] ?? '');
  const target = path.startsWith('/') ? resolve(root, `.${path}`) : resolve(fileDir, path);
  const inside = relative(root, target);
  if (inside.startsWith('..') || isAbsolute(inside)) return `link ${url} points outside the repository`;
  return undefined;
}

/** A remark plugin: every absolute link is https to a public host, every relative one stays in `root`. */
function remarkLinksStayInRepository(options: { root: string }) {
  return (tree: MdNode, file: CheckedFile): void => {
    const fileDir = resolve(options.root, file.dirname ?? '.');
    for (const link of linksOf(tree)) {
      const problem = leavesRepository(link.url ?? '', fileDir, options.root);
      if (problem !== undefined) {
        file.message(problem, { place: link.position?.start, ruleId: 'link-leaves-repository' });
      }
    }
  };
}

/**
 * Checks every markdown link of `files` (paths or folders, relative to `root`): relative links must name an
 * existing file and heading (remark-validate-links, headings of other files included), stay inside `root`,
 * and absolute links must be https to a public host. Returns one line per problem, `path:line: message`.
 */
export async function markdownLinkProblems(root: string, files: readonly string[]): Promise<string[]> {
  const context = await new Promise<{ files: CheckedFile[] }>((resolvePromise, reject) => {
    engine(
      {
        processor: remark,
        // As engine plugins, not on the processor: remark-validate-links then sees the whole file set and checks
        // headings in other files too. Their transformers are typed for mdast trees, narrower than the engine's
        // generic plugin type, hence the cast.
        plugins: [
          [remarkValidateLinks, { repository: false, root }],
          [remarkLinksStayInRepository, { root }],
        ] as unknown as EngineOptions['plugins'],
        cwd: root,
        files: [...files],
        extensions: ['md'],
        // Nothing is written: the files are only read, and the report goes to a sink (problems are returned).
        out: false,
        output: false,
        streamError: new PassThrough(),
        silent: true,
      },
      (error, _code, result) => {
        if (error !== undefined && error !== null) reject(error);
        else resolvePromise({ files: result?.files ?? [] });
      },
    );
  });
  return context.files.flatMap((file) =>
    file.messages.map((message) => `${file.path}:${message.line ?? '?'}: ${message.reason}`),
  );
}
