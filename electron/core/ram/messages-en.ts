import type { Message } from '../../../shared/ram/ram-estimate.js';

/**
 * English for the RAM model's message keys, for the CLI (the renderer has its own i18n catalogue; these are
 * the reference texts for it). {name} is replaced by params.name; MiB figures are printed as given.
 */
export const RAM_MESSAGES_EN: Readonly<Record<string, string>> = {
  'ram.verdict.fits': 'fits: {leftMiB} MiB left for qubes after dom0 and the autostart qubes',
  'ram.verdict.tight.autostart': 'tight: only {leftMiB} MiB left after the autostart qubes (room for {qubes} more default qubes needs {wantedMiB} MiB)',
  'ram.verdict.tight.uncertainRatio': 'tight: {leftMiB} MiB left, but the compression ratio is a typical figure and could be off by {uncertaintyMiB} MiB',
  'ram.verdict.tight.tmpfsReclaimable': 'tight: qmemman counts the tmpfs root as reclaimable cache and may take {shortMiB} MiB from dom0 that it cannot give back',
  'ram.verdict.doesNotFit.root': 'does not fit: dom0 would need {needMiB} MiB with its root in RAM ({rootMiB} MiB), the host has {hostMiB} MiB for domains',
  'ram.verdict.doesNotFit.ramPool': 'does not fit: with the RAM pool ({poolMiB} MiB) dom0 would need {needMiB} MiB, the host has {hostMiB} MiB for domains',
  'ram.verdict.doesNotFit.dom0Mem': 'does not fit: dom0_mem=max:{chosenMiB}M is below the {neededMiB} MiB this root needs; the boot would fall back to persistent',
  'ram.verdict.doesNotFit.ramPoolSize': 'does not fit: the RAM pool ({sizeMiB} MiB) is smaller than the template clones ({clonesMiB} MiB)',
  'ram.verdict.doesNotFit.autostart': 'does not fit: the autostart qubes need {autostartMiB} MiB, only {leftMiB} MiB is left besides dom0',
  'ram.warning.tmpfsReclaimable':
    'a tmpfs root ({rootMiB} MiB) is page cache to qmemman, which may shrink dom0 towards {qmemmanPrefMiB} MiB; its pages then go to swap, or dom0 runs out of memory without swap',
  'ram.warning.overlayWrites': 'with overlay, everything written to / during the session stays in RAM (capped at {sizeMiB} MiB); dom0 updates made in a stateless session are lost',
  'ram.warning.overlayKeepsDisk': 'overlay keeps reading the disk root for the whole session: the boot disk must stay attached to dom0 (never to sys-usb)',
  'ram.warning.overlayReclaimable': "the overlay's writes live in a tmpfs that qmemman counts as cache; under pressure dom0 may be {shortMiB} MiB short",
  'ram.warning.noSwap': 'no swap in stateless sessions (disk swap of {diskSwapMiB} MiB is off): nothing absorbs a memory shortfall',
  'ram.warning.zramSwapRemains': 'disk swap ({diskSwapMiB} MiB) is off in stateless sessions; the compressed zram swap (/dev/zram0, up to {zramSwapMiB} MiB) remains',
  'ram.warning.ratioTypical': 'the {compressor} compression ratio ({ratioPct}%) is a typical figure, not measured on this machine (±{uncertaintyPct}%)',
  'ram.warning.ratioProxy': "the {compressor} ratio is estimated from lz4's (no lzo-rle compressor is available to the app); the bench measured the error",
  'ram.warning.measuredInStatelessSession': "this is a stateless session: dom0's own memory use is taken as {assumedMiB} MiB, not measured",
  'ram.warning.rootLargeDir': '{path} holds {usedMiB} MiB that will be copied into RAM',
  'ram.warning.fileVolumesOnRoot': 'qube volumes in file pools on the root ({pools}: {usageMiB} MiB) will be copied into RAM with it',
  'ram.warning.fixedMemoryAutostart': 'autostart qubes without memory balancing hold {totalMiB} MiB for the whole session: {qubes}',
  'ram.warning.templateUnknown': 'template {template} is not on this machine; its clone is counted as empty',
  'ram.warning.ramPoolWorstCase': 'a full RAM pool ({sizeMiB} MiB) would take {worstMiB} MiB of RAM, more than dom0_mem=max:{dom0MaxMiB}M leaves',
  'ram.warning.templatesWithoutPool': '{count} template(s) chosen for RAM clones, but the RAM pool is off',
  'ram.warning.dom0MemBelowRecommended': 'dom0_mem=max:{chosenMiB}M is below the recommended {recommendedMiB} MiB',
  'ram.warning.dom0MemAboveHost': 'dom0_mem=max:{chosenMiB}M is more than the {hostMiB} MiB the host has for domains',
  'ram.warning.hostBelowMinimum': 'this host has {hostMiB} MiB; Qubes needs at least {minimumMiB} MiB',
  'ram.warning.hostBelowRecommended': 'this host has {hostMiB} MiB; Qubes recommends {recommendedMiB} MiB, and a RAM root takes a share of it',
  'ram.ratio.notSampled': 'typical ratios (sampling was not requested)',
  'ram.ratio.sampleTooSmall': 'typical ratios (too little of the root could be read to measure)',
  'ram.ratio.zstdUnavailable': 'typical zstd ratio (the zstd WebAssembly module could not be loaded)',
};

export function formatMessage(m: Pick<Message, 'key' | 'params'>): string {
  const text = RAM_MESSAGES_EN[m.key] ?? m.key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in m.params ? String(m.params[k]) : `{${k}}`));
}
