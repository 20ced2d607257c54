import type { Fact } from '../../core/index.js';

/**
 * Drug classes used by the starter rules (`../shared/domain/cds-rules.md`). The file names the
 * classes and a few example members; the members listed here are common practice (unsourced, as
 * the file says: "map them from the knowledge base"). Production use needs a licensed, maintained
 * drug knowledge base; a hospital may extend the lists through rule configuration.
 * Each member is an ingredient: English name(s) (lower case, matched as whole words) and Chinese name(s).
 */
export interface Ingredient {
  readonly en: readonly string[];
  readonly zh: readonly string[];
  /** ATC code (WHO), where one exists, for matching coded medications. */
  readonly atc?: string;
}

const i = (en: string | string[], zh: string | string[], atc?: string): Ingredient => ({
  en: Array.isArray(en) ? en : [en],
  zh: Array.isArray(zh) ? zh : [zh],
  ...(atc ? { atc } : {}),
});

export const INGREDIENTS = {
  phenelzine: i('phenelzine', '苯乙肼', 'N06AF03'),
  tranylcypromine: i('tranylcypromine', '反苯环丙胺', 'N06AF04'),
  selegiline: i('selegiline', '司来吉兰', 'N04BD01'),
  isocarboxazid: i('isocarboxazid', '异卡波肼', 'N06AF01'),
  rasagiline: i('rasagiline', '雷沙吉兰', 'N04BD02'),
  fluoxetine: i('fluoxetine', '氟西汀', 'N06AB03'),
  sertraline: i('sertraline', '舍曲林', 'N06AB06'),
  paroxetine: i('paroxetine', '帕罗西汀', 'N06AB05'),
  citalopram: i('citalopram', '西酞普兰', 'N06AB04'),
  escitalopram: i('escitalopram', '艾司西酞普兰', 'N06AB10'),
  fluvoxamine: i('fluvoxamine', '氟伏沙明', 'N06AB08'),
  amitriptyline: i('amitriptyline', '阿米替林', 'N06AA09'),
  nortriptyline: i('nortriptyline', '去甲替林', 'N06AA10'),
  imipramine: i('imipramine', '丙咪嗪', 'N06AA02'),
  clomipramine: i('clomipramine', '氯米帕明', 'N06AA04'),
  doxepin: i('doxepin', '多塞平', 'N06AA12'),
  desipramine: i('desipramine', '地昔帕明', 'N06AA01'),
  meperidine: i(['meperidine', 'pethidine'], '哌替啶', 'N02AB02'),
  tramadol: i('tramadol', '曲马多', 'N02AX02'),
  methadone: i('methadone', '美沙酮', 'N07BC02'),
  fentanyl: i('fentanyl', '芬太尼', 'N02AB03'),
  tapentadol: i('tapentadol', '他喷他多', 'N02AX06'),
  codeine: i('codeine', '可待因', 'R05DA04'),
  sumatriptan: i('sumatriptan', '舒马普坦', 'N02CC01'),
  rizatriptan: i('rizatriptan', '利扎曲普坦', 'N02CC04'),
  zolmitriptan: i('zolmitriptan', '佐米曲普坦', 'N02CC03'),
  eletriptan: i('eletriptan', '依来曲普坦', 'N02CC06'),
  naratriptan: i('naratriptan', '那拉曲坦', 'N02CC02'),
  amphetamine: i(['amphetamine', 'dextroamphetamine', 'lisdexamfetamine', 'methamphetamine'], ['苯丙胺', '右苯丙胺', '赖右苯丙胺', '甲基苯丙胺'], 'N06BA01'),
  methylphenidate: i('methylphenidate', '哌甲酯', 'N06BA04'),
  procarbazine: i('procarbazine', '丙卡巴肼', 'L01XB01'),
  atazanavir: i('atazanavir', '阿扎那韦', 'J05AE08'),
  darunavir: i('darunavir', '达芦那韦', 'J05AE10'),
  lopinavir: i('lopinavir', '洛匹那韦', 'J05AE06'),
  ritonavir: i('ritonavir', '利托那韦', 'J05AE03'),
  saquinavir: i('saquinavir', '沙奎那韦', 'J05AE01'),
  indinavir: i('indinavir', '茚地那韦', 'J05AE02'),
  nelfinavir: i('nelfinavir', '奈非那韦', 'J05AE04'),
  fosamprenavir: i('fosamprenavir', '福沙那韦', 'J05AE07'),
  tipranavir: i('tipranavir', '替拉那韦', 'J05AE09'),
  omeprazole: i('omeprazole', '奥美拉唑', 'A02BC01'),
  esomeprazole: i('esomeprazole', '埃索美拉唑', 'A02BC05'),
  lansoprazole: i('lansoprazole', '兰索拉唑', 'A02BC03'),
  pantoprazole: i('pantoprazole', '泮托拉唑', 'A02BC02'),
  rabeprazole: i('rabeprazole', '雷贝拉唑', 'A02BC04'),
  febuxostat: i('febuxostat', '非布司他', 'M04AA03'),
  azathioprine: i('azathioprine', '硫唑嘌呤', 'L04AX01'),
  mercaptopurine: i('mercaptopurine', '巯嘌呤', 'L01BB02'),
  thioguanine: i(['thioguanine', 'tioguanine'], '硫鸟嘌呤', 'L01BB03'),
  irinotecan: i('irinotecan', '伊立替康', 'L01CE02'),
  ketoconazole: i('ketoconazole', '酮康唑', 'J02AB02'),
  itraconazole: i('itraconazole', '伊曲康唑', 'J02AC02'),
  voriconazole: i('voriconazole', '伏立康唑', 'J02AC03'),
  posaconazole: i('posaconazole', '泊沙康唑', 'J02AC04'),
  clarithromycin: i('clarithromycin', '克拉霉素', 'J01FA09'),
  erythromycin: i('erythromycin', '红霉素', 'J01FA01'),
  azithromycin: i('azithromycin', '阿奇霉素', 'J01FA10'),
  cobicistat: i('cobicistat', '考比司他', 'V03AX03'),
  amiodarone: i('amiodarone', '胺碘酮', 'C01BD01'),
  sotalol: i('sotalol', '索他洛尔', 'C07AA07'),
  dofetilide: i('dofetilide', '多非利特', 'C01BD04'),
  haloperidol: i('haloperidol', '氟哌啶醇', 'N05AD01'),
  ciprofloxacin: i('ciprofloxacin', '环丙沙星', 'J01MA02'),
  levofloxacin: i('levofloxacin', '左氧氟沙星', 'J01MA12'),
  moxifloxacin: i('moxifloxacin', '莫西沙星', 'J01MA14'),
  ramelteon: i('ramelteon', '雷美替胺', 'N05CH02'),
  tizanidine: i('tizanidine', '替扎尼定', 'M03BX02'),
  rifampin: i(['rifampin', 'rifampicin'], '利福平', 'J04AB02'),
  carbamazepine: i('carbamazepine', '卡马西平', 'N03AF01'),
  oxcarbazepine: i('oxcarbazepine', '奥卡西平', 'N03AF02'),
  phenytoin: i('phenytoin', '苯妥英', 'N03AB02'),
  stJohnsWort: i(["st john's wort", 'st. john’s wort', 'st johns wort', 'hypericum'], ['圣约翰草', '贯叶连翘'], 'N06AX25'),
  simvastatin: i('simvastatin', '辛伐他汀', 'C10AA01'),
  lovastatin: i('lovastatin', '洛伐他汀', 'C10AA02'),
  atorvastatin: i('atorvastatin', '阿托伐他汀', 'C10AA05'),
  rosuvastatin: i('rosuvastatin', '瑞舒伐他汀', 'C10AA07'),
  pravastatin: i('pravastatin', '普伐他汀', 'C10AA03'),
  fluvastatin: i('fluvastatin', '氟伐他汀', 'C10AA04'),
  pitavastatin: i('pitavastatin', '匹伐他汀', 'C10AA08'),
  ergotamine: i('ergotamine', '麦角胺', 'N02CA02'),
  dihydroergotamine: i('dihydroergotamine', '双氢麦角胺', 'N02CA01'),
  methylergonovine: i(['methylergonovine', 'methylergometrine'], '甲基麦角新碱', 'G02AB01'),
  ergonovine: i(['ergonovine', 'ergometrine'], '麦角新碱', 'G02AB03'),
  warfarin: i('warfarin', '华法林', 'B01AA03'),
  ibuprofen: i('ibuprofen', '布洛芬', 'M01AE01'),
  naproxen: i('naproxen', '萘普生', 'M01AE02'),
  diclofenac: i('diclofenac', '双氯芬酸', 'M01AB05'),
  celecoxib: i('celecoxib', '塞来昔布', 'M01AH01'),
  indomethacin: i(['indomethacin', 'indometacin'], '吲哚美辛', 'M01AB01'),
  ketorolac: i('ketorolac', '酮咯酸', 'M01AB15'),
  meloxicam: i('meloxicam', '美洛昔康', 'M01AC06'),
  aspirin: i(['aspirin', 'acetylsalicylic acid'], '阿司匹林', 'B01AC06'),
  sulfamethoxazole: i(['sulfamethoxazole', 'co-trimoxazole', 'cotrimoxazole'], ['磺胺甲噁唑', '复方新诺明', '复方磺胺甲噁唑'], 'J01EE01'),
  clopidogrel: i('clopidogrel', '氯吡格雷', 'B01AC04'),
  prasugrel: i('prasugrel', '普拉格雷', 'B01AC22'),
  ticagrelor: i('ticagrelor', '替格瑞洛', 'B01AC24'),
  dipyridamole: i('dipyridamole', '双嘧达莫', 'B01AC07'),
  methotrexate: i('methotrexate', '甲氨蝶呤', 'L01BA01'),
  lithium: i(['lithium'], ['锂', '碳酸锂'], 'N05AN01'),
  lisinopril: i('lisinopril', '赖诺普利', 'C09AA03'),
  enalapril: i('enalapril', '依那普利', 'C09AA02'),
  captopril: i('captopril', '卡托普利', 'C09AA01'),
  ramipril: i('ramipril', '雷米普利', 'C09AA05'),
  benazepril: i('benazepril', '贝那普利', 'C09AA07'),
  perindopril: i('perindopril', '培哚普利', 'C09AA04'),
  losartan: i('losartan', '氯沙坦', 'C09CA01'),
  valsartan: i('valsartan', '缬沙坦', 'C09CA03'),
  irbesartan: i('irbesartan', '厄贝沙坦', 'C09CA04'),
  candesartan: i('candesartan', '坎地沙坦', 'C09CA06'),
  telmisartan: i('telmisartan', '替米沙坦', 'C09CA07'),
  olmesartan: i('olmesartan', '奥美沙坦', 'C09CA08'),
  cyclosporine: i(['cyclosporine', 'ciclosporin'], '环孢素', 'L04AD01'),
  digoxin: i('digoxin', '地高辛', 'C01AA05'),
  verapamil: i('verapamil', '维拉帕米', 'C08DA01'),
  diltiazem: i('diltiazem', '地尔硫卓', 'C08DB01'),
  metoprolol: i('metoprolol', '美托洛尔', 'C07AB02'),
  atenolol: i('atenolol', '阿替洛尔', 'C07AB03'),
  propranolol: i('propranolol', '普萘洛尔', 'C07AA05'),
  bisoprolol: i('bisoprolol', '比索洛尔', 'C07AB07'),
  carvedilol: i('carvedilol', '卡维地洛', 'C07AG02'),
  labetalol: i('labetalol', '拉贝洛尔', 'C07AG01'),
  nebivolol: i('nebivolol', '奈必洛尔', 'C07AB12'),
  nadolol: i('nadolol', '纳多洛尔', 'C07AA12'),
  sildenafil: i('sildenafil', '西地那非', 'G04BE03'),
  tadalafil: i('tadalafil', '他达拉非', 'G04BE08'),
  vardenafil: i('vardenafil', '伐地那非', 'G04BE09'),
  nitroglycerin: i(['nitroglycerin', 'glyceryl trinitrate'], '硝酸甘油', 'C01DA02'),
  isosorbideMononitrate: i('isosorbide mononitrate', '单硝酸异山梨酯', 'C01DA14'),
  isosorbideDinitrate: i('isosorbide dinitrate', '硝酸异山梨酯', 'C01DA08'),
  metformin: i('metformin', '二甲双胍', 'A10BA02'),
  enoxaparin: i('enoxaparin', '依诺肝素', 'B01AB05'),
  nitrofurantoin: i('nitrofurantoin', '呋喃妥因', 'J01XE01'),
  baclofen: i('baclofen', '巴氯芬', 'M03BX01'),
  cimetidine: i('cimetidine', '西咪替丁', 'A02BA01'),
  amiloride: i('amiloride', '阿米洛利', 'C03DB01'),
  gabapentin: i('gabapentin', '加巴喷丁', 'N03AX12'),
  pregabalin: i('pregabalin', '普瑞巴林', 'N03AX16'),
  allopurinol: i('allopurinol', '别嘌醇', 'M04AA01'),
  fluorouracil: i(['fluorouracil', '5-fluorouracil', '5-fu'], ['氟尿嘧啶', '5-氟尿嘧啶'], 'L01BC02'),
  capecitabine: i('capecitabine', '卡培他滨', 'L01BC06'),
  rasburicase: i('rasburicase', '拉布立酶', 'V03AF07'),
  abacavir: i('abacavir', '阿巴卡韦', 'J05AF06'),
  acetaminophen: i(['acetaminophen', 'paracetamol'], '对乙酰氨基酚', 'N02BE01'),
  pioglitazone: i('pioglitazone', '吡格列酮', 'A10BG03'),
  rosiglitazone: i('rosiglitazone', '罗格列酮', 'A10BG02'),
  penicillin: i(['penicillin', 'penicillin g', 'penicillin v', 'benzylpenicillin'], ['青霉素'], 'J01CE'),
  amoxicillin: i('amoxicillin', '阿莫西林', 'J01CA04'),
  ampicillin: i('ampicillin', '氨苄西林', 'J01CA01'),
  piperacillin: i('piperacillin', '哌拉西林', 'J01CA12'),
  oxacillin: i('oxacillin', '苯唑西林', 'J01CF04'),
  cefazolin: i('cefazolin', '头孢唑林', 'J01DB04'),
  cephalexin: i(['cephalexin', 'cefalexin'], '头孢氨苄', 'J01DB01'),
  cefuroxime: i('cefuroxime', '头孢呋辛', 'J01DC02'),
  ceftriaxone: i('ceftriaxone', '头孢曲松', 'J01DD04'),
  cefepime: i('cefepime', '头孢吡肟', 'J01DE01'),
  cefdinir: i('cefdinir', '头孢地尼', 'J01DD15'),
  meropenem: i('meropenem', '美罗培南', 'J01DH02'),
  imipenem: i('imipenem', '亚胺培南', 'J01DH51'),
  ertapenem: i('ertapenem', '厄他培南', 'J01DH03'),
  sulfadiazine: i('sulfadiazine', '磺胺嘧啶', 'J01EC02'),
  lamotrigine: i('lamotrigine', '拉莫三嗪', 'N03AX09'),
  morphine: i('morphine', '吗啡', 'N02AA01'),
  oxycodone: i('oxycodone', '羟考酮', 'N02AA05'),
  hydrocodone: i('hydrocodone', '氢可酮', 'R05DA03'),
  insulin: i('insulin', '胰岛素', 'A10A'),
  heparin: i('heparin', '肝素', 'B01AB01'),
} as const satisfies Record<string, Ingredient>;

export type IngredientId = keyof typeof INGREDIENTS;

/** Drug classes named by the rules. `members` are ingredient ids. */
export const DRUG_CLASSES = {
  maoi: { en: 'MAO inhibitors', zh: '单胺氧化酶抑制剂', members: ['phenelzine', 'tranylcypromine', 'selegiline', 'isocarboxazid', 'rasagiline'] },
  ssri: { en: 'SSRIs', zh: '选择性5-羟色胺再摄取抑制剂', members: ['fluoxetine', 'sertraline', 'paroxetine', 'citalopram', 'escitalopram', 'fluvoxamine'] },
  tca: { en: 'tricyclic antidepressants', zh: '三环类抗抑郁药', members: ['amitriptyline', 'nortriptyline', 'imipramine', 'clomipramine', 'doxepin', 'desipramine'] },
  narcoticMaoi: { en: 'narcotic analgesics (serotonergic)', zh: '麻醉性镇痛药', members: ['meperidine', 'tramadol', 'methadone', 'fentanyl', 'tapentadol'] },
  triptan: { en: 'triptans', zh: '曲坦类', members: ['sumatriptan', 'rizatriptan', 'zolmitriptan', 'eletriptan', 'naratriptan'] },
  amphetamine: { en: 'amphetamines and derivatives', zh: '苯丙胺类及其衍生物', members: ['amphetamine', 'methylphenidate'] },
  ppi: { en: 'proton pump inhibitors', zh: '质子泵抑制剂', members: ['omeprazole', 'esomeprazole', 'lansoprazole', 'pantoprazole', 'rabeprazole'] },
  thiopurine: { en: 'thiopurines', zh: '巯嘌呤类', members: ['azathioprine', 'mercaptopurine', 'thioguanine'] },
  strongCyp3a4Inhibitor: { en: 'strong CYP3A4 inhibitors', zh: '强效CYP3A4抑制剂', members: ['ketoconazole', 'itraconazole', 'voriconazole', 'posaconazole', 'clarithromycin', 'ritonavir', 'cobicistat'] },
  hivProteaseInhibitor: { en: 'HIV protease inhibitors', zh: 'HIV蛋白酶抑制剂', members: ['atazanavir', 'darunavir', 'lopinavir', 'ritonavir', 'saquinavir', 'indinavir', 'nelfinavir', 'fosamprenavir', 'tipranavir'] },
  strongCyp3a4Inducer: { en: 'strong CYP3A4 inducers', zh: '强效CYP3A4诱导剂', members: ['rifampin', 'carbamazepine', 'phenytoin', 'stJohnsWort'] },
  qtHighRisk: { en: 'high-risk QT-prolonging agents', zh: '高危QT间期延长药物', members: ['amiodarone', 'sotalol', 'dofetilide', 'haloperidol', 'methadone', 'clarithromycin', 'erythromycin', 'azithromycin', 'ciprofloxacin', 'levofloxacin', 'moxifloxacin'] },
  strongCyp1a2Inhibitor: { en: 'strong CYP1A2 inhibitors', zh: '强效CYP1A2抑制剂', members: ['fluvoxamine'] },
  cyp1a2InhibitorTizanidine: { en: 'CYP1A2 inhibitors', zh: 'CYP1A2抑制剂', members: ['ciprofloxacin', 'fluvoxamine'] },
  simvaLova: { en: 'simvastatin or lovastatin', zh: '辛伐他汀或洛伐他汀', members: ['simvastatin', 'lovastatin'] },
  ergot: { en: 'ergot alkaloids', zh: '麦角生物碱', members: ['ergotamine', 'dihydroergotamine', 'methylergonovine', 'ergonovine'] },
  nsaid: { en: 'NSAIDs', zh: '非甾体抗炎药', members: ['ibuprofen', 'naproxen', 'diclofenac', 'celecoxib', 'indomethacin', 'ketorolac', 'meloxicam'] },
  antiplatelet: { en: 'antiplatelet agents', zh: '抗血小板药', members: ['aspirin', 'clopidogrel', 'prasugrel', 'ticagrelor', 'dipyridamole'] },
  aceiArb: { en: 'ACE inhibitors or ARBs', zh: 'ACEI或ARB', members: ['lisinopril', 'enalapril', 'captopril', 'ramipril', 'benazepril', 'perindopril', 'losartan', 'valsartan', 'irbesartan', 'candesartan', 'telmisartan', 'olmesartan'] },
  acei: { en: 'ACE inhibitors', zh: '血管紧张素转换酶抑制剂', members: ['lisinopril', 'enalapril', 'captopril', 'ramipril', 'benazepril', 'perindopril'] },
  arb: { en: 'angiotensin receptor blockers', zh: '血管紧张素受体拮抗剂', members: ['losartan', 'valsartan', 'irbesartan', 'candesartan', 'telmisartan', 'olmesartan'] },
  statin: { en: 'statins', zh: '他汀类', members: ['simvastatin', 'lovastatin', 'atorvastatin', 'rosuvastatin', 'pravastatin', 'fluvastatin', 'pitavastatin'] },
  betaBlocker: { en: 'beta-blockers', zh: 'β受体阻滞剂', members: ['metoprolol', 'atenolol', 'propranolol', 'bisoprolol', 'carvedilol', 'labetalol', 'nebivolol', 'nadolol', 'sotalol'] },
  nonselectiveBetaBlocker: { en: 'non-selective beta-blockers', zh: '非选择性β受体阻滞剂', members: ['propranolol', 'nadolol', 'sotalol', 'carvedilol', 'labetalol'] },
  nondhpCcb: { en: 'non-dihydropyridine calcium-channel blockers', zh: '非二氢吡啶类钙通道阻滞剂', members: ['verapamil', 'diltiazem'] },
  thiazolidinedione: { en: 'thiazolidinediones', zh: '噻唑烷二酮类', members: ['pioglitazone', 'rosiglitazone'] },
  pde5: { en: 'PDE5 inhibitors', zh: 'PDE5抑制剂', members: ['sildenafil', 'tadalafil', 'vardenafil'] },
  nitrate: { en: 'organic nitrates', zh: '硝酸酯类', members: ['nitroglycerin', 'isosorbideMononitrate', 'isosorbideDinitrate'] },
  penicillin: { en: 'penicillins', zh: '青霉素类', members: ['penicillin', 'amoxicillin', 'ampicillin', 'piperacillin', 'oxacillin'] },
  cephalosporin: { en: 'cephalosporins', zh: '头孢菌素类', members: ['cefazolin', 'cephalexin', 'cefuroxime', 'ceftriaxone', 'cefepime', 'cefdinir'] },
  carbapenem: { en: 'carbapenems', zh: '碳青霉烯类', members: ['meropenem', 'imipenem', 'ertapenem'] },
  sulfonamideAntibiotic: { en: 'sulfonamide antibiotics', zh: '磺胺类抗菌药', members: ['sulfamethoxazole', 'sulfadiazine'] },
  aromaticAnticonvulsant: { en: 'aromatic anticonvulsants', zh: '芳香族抗癫痫药', members: ['carbamazepine', 'oxcarbazepine', 'phenytoin', 'lamotrigine'] },
  fluoropyrimidine: { en: 'fluoropyrimidines', zh: '氟尿嘧啶类', members: ['fluorouracil', 'capecitabine'] },
  opioid: { en: 'opioids', zh: '阿片类', members: ['morphine', 'oxycodone', 'hydrocodone', 'codeine', 'tramadol', 'methadone', 'fentanyl', 'meperidine', 'tapentadol'] },
  gabapentinoid: { en: 'gabapentinoids', zh: '加巴喷丁类', members: ['gabapentin', 'pregabalin'] },
} as const satisfies Record<string, { en: string; zh: string; members: readonly IngredientId[] }>;

export type DrugClassId = keyof typeof DRUG_CLASSES;

const wordCache = new Map<string, RegExp>();
function wordRe(word: string): RegExp {
  let re = wordCache.get(word);
  if (!re) {
    re = new RegExp(`(^|[^a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z])`, 'i');
    wordCache.set(word, re);
  }
  return re;
}

/** Every name a medication fact goes by (displays of its codings, in both languages, and the codes). */
function namesOf(f: Fact): { text: string; codes: string[] } {
  const c = f.concept;
  const parts = [c.display, c.displayZh, ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh])].filter((x): x is string => !!x);
  const codes = [c, ...(c.codings ?? [])].filter((x) => x.system.includes('atc')).map((x) => x.code);
  return { text: parts.join(' | ').toLowerCase(), codes };
}

const factIngredientCache = new WeakMap<Fact, Set<IngredientId>>();

/** The ingredients of a medication fact that the rules know (a combination product has several). */
export function ingredientsOf(f: Fact): Set<IngredientId> {
  const cached = factIngredientCache.get(f);
  if (cached) return cached;
  const { text, codes } = namesOf(f);
  const found = new Set<IngredientId>();
  for (const [id, ing] of Object.entries(INGREDIENTS) as [IngredientId, Ingredient][]) {
    if (ing.atc && codes.some((code) => code === ing.atc || (ing.atc!.length < 7 && code.startsWith(ing.atc!)))) found.add(id);
    else if (ing.zh.some((z) => text.includes(z))) found.add(id);
    else if (ing.en.some((e) => text.includes(e) && wordRe(e).test(text))) found.add(id);
  }
  // "aspirin" inside "dipyridamole/aspirin" is both; "isosorbide dinitrate" must not count as mononitrate.
  if (found.has('isosorbideMononitrate') && !text.includes('mononitrate') && !text.includes('单硝酸')) found.delete('isosorbideMononitrate');
  if (found.has('isosorbideDinitrate') && text.includes('单硝酸异山梨酯') && !/(^|[^单])硝酸异山梨酯/.test(text) && !text.includes('dinitrate')) found.delete('isosorbideDinitrate');
  factIngredientCache.set(f, found);
  return found;
}

export function hasIngredient(f: Fact, id: IngredientId): boolean {
  return ingredientsOf(f).has(id);
}

export function inClass(f: Fact, cls: DrugClassId): boolean {
  const ings = ingredientsOf(f);
  return (DRUG_CLASSES[cls].members as readonly IngredientId[]).some((m) => ings.has(m));
}

/** A matcher over a medication fact: an ingredient or a class. */
export type DrugRef = { readonly ingredient: IngredientId } | { readonly class: DrugClassId };

export function matches(f: Fact, ref: DrugRef): boolean {
  return 'ingredient' in ref ? hasIngredient(f, ref.ingredient) : inClass(f, ref.class);
}

export function refLabel(ref: DrugRef): { en: string; zh: string } {
  if ('class' in ref) return { en: DRUG_CLASSES[ref.class].en, zh: DRUG_CLASSES[ref.class].zh };
  const ing = INGREDIENTS[ref.ingredient];
  return { en: ing.en[0]!, zh: ing.zh[0]! };
}
