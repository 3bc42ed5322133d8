//! [`ActorIndex`]: every actor's filterable facts and position, packed in 16 bytes, in memory.
//!
//! Why: the map, the directory's counts and its facets ask for *every* actor matching some
//! filters, at national scale (about 1.5 M ESS establishments). A scan of packed entries
//! answers in milliseconds where SQLite would read every row; SQLite keeps the rows
//! themselves and is asked only for the few rows a page shows (the search's postings are in
//! memory too: [`super::search`]).
//!
//! Positions are Web Mercator coordinates scaled to `u32` (the whole world is `0..2³²` on each
//! axis, y downwards as in XYZ tiles), and the located entries are also kept sorted along a
//! Z-order (Morton) curve. A map tile, and each of its cluster cells, is then one contiguous
//! run of that order: with no filter, a cell's count and mean position come from two binary
//! searches and prefix sums, whatever the number of actors; with filters, only the actors of
//! the tile are visited.

use essor_model::legal::LegalFamily;
use essor_model::sector::EssSector;
use std::collections::HashMap;

/// A territory an actor can be filtered on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Region(String),
    Departement(String),
    Epci(String),
    /// A commune code of the COG (arrondissements are folded into their city).
    Commune(String),
    Qpv(String),
}

/// Filters on actors; every filter present must hold (lists: any of the values).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// WGS84 box: min lon, min lat, max lon, max lat (degrees). Unlocated actors never match.
    pub bbox: Option<[f64; 4]>,
    /// Full-text search (see [`super::text`]).
    pub text: Option<String>,
    pub families: Vec<LegalFamily>,
    /// Band codes: `in`, `300`, `500`, `1000`, `out`.
    pub bands: Vec<String>,
    pub sectors: Vec<EssSector>,
    pub employer: Option<bool>,
    pub place: Option<Place>,
}

impl Filter {
    /// True when no filter restricts the selection.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// Counts of a selection by facet. Each facet counts under every *other* filter, so that a
/// user sees how many actors each value would give (disjunctive facets).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub total: u64,
    pub families: Vec<(LegalFamily, u64)>,
    pub bands: Vec<(String, u64)>,
    pub sectors: Vec<(EssSector, u64)>,
    /// Non-employer, employer.
    pub employer: [u64; 2],
}

/// A map tile to cluster: XYZ address, extent and buffer in tile units, cell side in tile
/// units (a power of two dividing the extent; 1 means no clustering).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileRequest {
    pub z: u8,
    pub x: u32,
    pub y: u32,
    pub extent: u32,
    pub buffer: u32,
    pub cell: u32,
}

/// One occupied cell of a tile: its actors' number and mean position (tile units), and the
/// actor's id when it holds only one.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub count: u64,
    pub x: f64,
    pub y: f64,
    pub single: Option<u32>,
}

const LOCATED: u8 = 1;
const EMPLOYER: u8 = 2;
const NONE16: u16 = u16::MAX;

#[derive(Debug, Clone, Copy)]
struct Entry {
    mx: u32,
    my: u32,
    commune: u32,
    qpv: u16,
    family: u8,
    band: u8,
    sector: u8,
    flags: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CommuneFacts {
    code: String,
    departement: Option<String>,
    region: Option<String>,
    epci: Option<String>,
}

/// What [`ActorIndex::push`] takes for one actor.
#[derive(Debug, Clone)]
pub struct IndexedActor<'a> {
    pub family: LegalFamily,
    pub band: Option<&'a str>,
    pub sector: EssSector,
    pub employer: bool,
    pub commune: Option<&'a str>,
    pub departement: Option<&'a str>,
    pub region: Option<&'a str>,
    pub epci: Option<&'a str>,
    pub qpv: Option<&'a str>,
    pub lon_lat: Option<(f64, f64)>,
}

/// The cells of one tile while it is clustered, by grid key (column, row; -1 and
/// `per_side` are the buffer's): a dense grid when a cell is at least as wide as the buffer,
/// so that every key falls in `-1..=per_side` (a tile at most zoom 15: 18 × 18 cells), else
/// a map (no clustering: a cell per tile unit).
enum Cells {
    Dense { width: i64, cells: Vec<Cluster> },
    Sparse(HashMap<(i64, i64), Cluster>),
}

const NO_ACTOR: Cluster = Cluster {
    count: 0,
    x: 0.0,
    y: 0.0,
    single: None,
};

impl Cells {
    fn new(per_side: u32, dense: bool) -> Self {
        let width = i64::from(per_side) + 2;
        if dense && width * width <= 1 << 16 {
            Cells::Dense {
                width,
                cells: vec![NO_ACTOR; (width * width) as usize],
            }
        } else {
            Cells::Sparse(HashMap::new())
        }
    }

    fn slot(&mut self, (kx, ky): (i64, i64)) -> &mut Cluster {
        match self {
            Cells::Dense { width, cells } => &mut cells[((kx + 1) * *width + ky + 1) as usize],
            Cells::Sparse(map) => map.entry((kx, ky)).or_insert(NO_ACTOR),
        }
    }

    /// The occupied cells in key order.
    fn into_sorted(self) -> Vec<Cluster> {
        match self {
            Cells::Dense { cells, .. } => cells.into_iter().filter(|c| c.count > 0).collect(),
            Cells::Sparse(map) => {
                let mut cells: Vec<_> = map.into_iter().collect();
                cells.sort_unstable_by_key(|(k, _)| *k);
                cells.into_iter().map(|(_, c)| c).collect()
            }
        }
    }
}

/// The packed actors (module documentation). Ids are 1-based ranks in SIRET order.
#[derive(Debug, Default)]
pub struct ActorIndex {
    entries: Vec<Entry>,
    communes: Vec<CommuneFacts>,
    commune_ids: HashMap<CommuneFacts, u32>,
    qpv: Vec<String>,
    qpv_ids: HashMap<String, u16>,
    bands: Vec<String>,
    /// Entry indices of located actors, along the Z-order curve.
    order: Vec<u32>,
    /// The entries of `order`, copied in that order: a map tile reads its run of the curve
    /// front to back instead of jumping across `entries` (a cache miss per actor: a
    /// filtered tile at France zoom visits half a million of them).
    zentries: Vec<Entry>,
    keys: Vec<u64>,
    /// Prefix sums of `mx`, `my` along `order` (`len + 1` values).
    sum_x: Vec<u64>,
    sum_y: Vec<u64>,
    /// Entry indices by commune id, ascending within each commune; the entries of commune
    /// `k` are `by_commune[commune_starts[k]..commune_starts[k + 1]]`. Likewise by QPV. A
    /// territory filter then visits the actors of its places rather than every actor.
    by_commune: Vec<u32>,
    commune_starts: Vec<u32>,
    by_qpv: Vec<u32>,
    qpv_starts: Vec<u32>,
    /// The commune ids of each place (level, code): a territory filter finds its communes
    /// here rather than comparing the codes of all 35,000.
    places: HashMap<(PlaceLevel, String), Vec<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PlaceLevel {
    Commune,
    Departement,
    Region,
    Epci,
}

/// Entry indices grouped by a key (`keys[i]` of entry `i`, `None` for none), ascending
/// within each group: (indices, starts), group `k` being `indices[starts[k]..starts[k + 1]]`.
fn postings(
    groups: usize,
    keys: impl Iterator<Item = Option<usize>> + Clone,
) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; groups + 1];
    for k in keys.clone().flatten() {
        starts[k + 1] += 1;
    }
    for k in 0..groups {
        starts[k + 1] += starts[k];
    }
    let mut next = starts.clone();
    let mut indices = vec![0u32; starts[groups] as usize];
    for (i, k) in keys.enumerate() {
        if let Some(k) = k {
            indices[next[k] as usize] = i as u32;
            next[k] += 1;
        }
    }
    (indices, starts)
}

fn family_index(f: LegalFamily) -> u8 {
    LegalFamily::ALL.iter().position(|x| *x == f).unwrap_or(0) as u8
}

fn sector_index(s: EssSector) -> u8 {
    EssSector::ALL.iter().position(|x| *x == s).unwrap_or(0) as u8
}

/// WGS84 → Web Mercator scaled to `u32`: [`essor_geo::mercator::to_world_u32`].
pub use essor_geo::mercator::to_world_u32 as mercator;

/// `list[offset..offset + limit]`, clamped to the list.
fn window<T>(list: &[T], offset: u64, limit: u64) -> &[T] {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(list.len());
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(list.len());
    &list[start..end]
}

/// Interleaves the bits of `x` (even positions) and `y` (odd positions).
fn morton(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    spread(x) | (spread(y) << 1)
}

/// A filter resolved against the index's tables.
struct Compiled {
    never: bool,
    families: Option<u8>,
    bands: Option<u64>,
    sectors: Option<u8>,
    employer: Option<bool>,
    communes: Option<Vec<bool>>,
    qpv: Option<u16>,
    text: Option<Vec<u64>>,
    bbox: Option<[u32; 4]>,
    /// The entries that can match, ascending, when the filter's places hold few of them
    /// (see [`ActorIndex::candidates`]); `None`: every entry must be tested.
    candidates: Option<Vec<u32>>,
    /// The candidates are exactly the matches: the filter has a place and nothing else.
    exact: bool,
}

impl Compiled {
    #[inline]
    fn base(&self, i: usize, e: &Entry) -> bool {
        if let Some(b) = &self.bbox
            && !(e.flags & LOCATED != 0
                && (b[0]..=b[2]).contains(&e.mx)
                && (b[1]..=b[3]).contains(&e.my))
        {
            return false;
        }
        if let Some(c) = &self.communes
            && !(e.commune != u32::MAX && c[e.commune as usize])
        {
            return false;
        }
        if let Some(q) = self.qpv
            && e.qpv != q
        {
            return false;
        }
        if let Some(t) = &self.text
            && t[i / 64] & (1 << (i % 64)) == 0
        {
            return false;
        }
        true
    }
    #[inline]
    fn family(&self, e: &Entry) -> bool {
        self.families.is_none_or(|m| m & (1 << e.family) != 0)
    }
    #[inline]
    fn band(&self, e: &Entry) -> bool {
        self.bands
            .is_none_or(|m| e.band != u8::MAX && m & (1 << e.band) != 0)
    }
    #[inline]
    fn sector(&self, e: &Entry) -> bool {
        self.sectors.is_none_or(|m| m & (1 << e.sector) != 0)
    }
    #[inline]
    fn employer(&self, e: &Entry) -> bool {
        self.employer
            .is_none_or(|want| (e.flags & EMPLOYER != 0) == want)
    }
    #[inline]
    fn all(&self, i: usize, e: &Entry) -> bool {
        !self.never
            && self.family(e)
            && self.band(e)
            && self.sector(e)
            && self.employer(e)
            && self.base(i, e)
    }
}

impl ActorIndex {
    /// Appends the actor with the next id (`len() + 1`). Call [`finish`](Self::finish) after
    /// the last one.
    pub fn push(&mut self, a: &IndexedActor<'_>) {
        let commune = match a.commune {
            None => u32::MAX,
            Some(code) => {
                let facts = CommuneFacts {
                    code: code.to_owned(),
                    departement: a.departement.map(str::to_owned),
                    region: a.region.map(str::to_owned),
                    epci: a.epci.map(str::to_owned),
                };
                let next = self.communes.len() as u32;
                *self.commune_ids.entry(facts.clone()).or_insert_with(|| {
                    self.communes.push(facts);
                    next
                })
            }
        };
        let qpv = match a.qpv {
            None => NONE16,
            Some(code) => {
                let next = self.qpv.len() as u16;
                *self.qpv_ids.entry(code.to_owned()).or_insert_with(|| {
                    self.qpv.push(code.to_owned());
                    next
                })
            }
        };
        let band = match a.band {
            None => u8::MAX,
            Some(b) => match self.bands.iter().position(|x| x == b) {
                Some(i) => i as u8,
                None => {
                    self.bands.push(b.to_owned());
                    (self.bands.len() - 1) as u8
                }
            },
        };
        let (mx, my, located) = match a.lon_lat {
            Some((lon, lat)) if lon.is_finite() && lat.is_finite() => {
                let (x, y) = mercator(lon, lat);
                (x, y, LOCATED)
            }
            _ => (0, 0, 0),
        };
        self.entries.push(Entry {
            mx,
            my,
            commune,
            qpv,
            family: family_index(a.family),
            band,
            sector: sector_index(a.sector),
            flags: located | if a.employer { EMPLOYER } else { 0 },
        });
    }

    /// Sorts the located actors along the Z-order curve and sums their positions.
    pub fn finish(&mut self) {
        let mut located: Vec<(u64, u32)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.flags & LOCATED != 0)
            .map(|(i, e)| (morton(e.mx, e.my), i as u32))
            .collect();
        located.sort_unstable();
        self.keys = located.iter().map(|p| p.0).collect();
        self.order = located.iter().map(|p| p.1).collect();
        self.zentries = self
            .order
            .iter()
            .map(|&i| self.entries[i as usize])
            .collect();
        let mut sx = Vec::with_capacity(self.order.len() + 1);
        let mut sy = Vec::with_capacity(self.order.len() + 1);
        let (mut ax, mut ay) = (0u64, 0u64);
        sx.push(0);
        sy.push(0);
        for &i in &self.order {
            let e = &self.entries[i as usize];
            ax += u64::from(e.mx);
            ay += u64::from(e.my);
            sx.push(ax);
            sy.push(ay);
        }
        self.sum_x = sx;
        self.sum_y = sy;
        let commune_of = |e: &Entry| (e.commune != u32::MAX).then_some(e.commune as usize);
        let qpv_of = |e: &Entry| (e.qpv != NONE16).then_some(e.qpv as usize);
        (self.by_commune, self.commune_starts) =
            postings(self.communes.len(), self.entries.iter().map(commune_of));
        (self.by_qpv, self.qpv_starts) = postings(self.qpv.len(), self.entries.iter().map(qpv_of));
        let mut places: HashMap<(PlaceLevel, String), Vec<u32>> = HashMap::new();
        for (k, f) in self.communes.iter().enumerate() {
            let levels = [
                (PlaceLevel::Commune, Some(&f.code)),
                (PlaceLevel::Departement, f.departement.as_ref()),
                (PlaceLevel::Region, f.region.as_ref()),
                (PlaceLevel::Epci, f.epci.as_ref()),
            ];
            for (level, code) in levels {
                if let Some(code) = code {
                    places
                        .entry((level, code.clone()))
                        .or_default()
                        .push(k as u32);
                }
            }
        }
        self.places = places;
        self.commune_ids = HashMap::new();
        self.qpv_ids = HashMap::new();
    }

    /// Number of actors.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held, roughly (for logs and benchmarks).
    pub fn memory_bytes(&self) -> usize {
        (self.entries.capacity() + self.zentries.capacity()) * std::mem::size_of::<Entry>()
            + self.order.capacity() * 4
            + (self.keys.capacity() + self.sum_x.capacity() + self.sum_y.capacity()) * 8
            + (self.by_commune.capacity() + self.commune_starts.capacity()) * 4
            + (self.by_qpv.capacity() + self.qpv_starts.capacity()) * 4
            + self.communes.len() * 64
    }

    /// `text_ids`: the ids matching the filter's text, when it has one (from the search
    /// index). They become a bitset only when `bits` is true: a walk of the Z-order (a map
    /// tile) tests entries one by one, while pages and facets walk the list itself.
    fn compile(&self, f: &Filter, text_ids: Option<&[u32]>, bits: bool) -> Compiled {
        let mut never = false;
        let mask = |bits: Vec<u8>| -> Option<u8> {
            (!bits.is_empty()).then(|| bits.iter().fold(0u8, |m, b| m | (1 << b)))
        };
        let families = mask(f.families.iter().map(|x| family_index(*x)).collect());
        let sectors = mask(f.sectors.iter().map(|x| sector_index(*x)).collect());
        let bands = (!f.bands.is_empty()).then(|| {
            f.bands
                .iter()
                .filter_map(|b| self.bands.iter().position(|x| x == b))
                .fold(0u64, |m, i| m | (1 << i))
        });
        let communes = f.place.as_ref().and_then(|p| {
            let key = match p {
                Place::Region(c) => (PlaceLevel::Region, c.clone()),
                Place::Departement(c) => (PlaceLevel::Departement, c.clone()),
                Place::Epci(c) => (PlaceLevel::Epci, c.clone()),
                Place::Commune(c) => (PlaceLevel::Commune, c.clone()),
                Place::Qpv(_) => return None,
            };
            let mut mask = vec![false; self.communes.len()];
            for &k in self.places.get(&key).into_iter().flatten() {
                mask[k as usize] = true;
            }
            Some(mask)
        });
        let qpv = match &f.place {
            Some(Place::Qpv(code)) => match self.qpv.iter().position(|q| q == code) {
                Some(i) => Some(i as u16),
                None => {
                    never = true;
                    None
                }
            },
            _ => None,
        };
        let text = text_ids.filter(|_| bits).map(|ids| {
            let mut bits = vec![0u64; self.entries.len().div_ceil(64)];
            for &id in ids {
                let i = (id as usize).wrapping_sub(1);
                if i < self.entries.len() {
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
            bits
        });
        let bbox = f.bbox.map(|[min_lon, min_lat, max_lon, max_lat]| {
            let (x0, y1) = mercator(min_lon, min_lat);
            let (x1, y0) = mercator(max_lon, max_lat);
            [x0, y0, x1, y1]
        });
        let candidates = self.candidates(never, communes.as_deref(), qpv);
        let place_only = Filter {
            place: f.place.clone(),
            ..Filter::default()
        };
        let exact = candidates.is_some() && f.place.is_some() && *f == place_only;
        Compiled {
            never,
            families,
            bands,
            sectors,
            employer: f.employer,
            communes,
            qpv,
            text,
            bbox,
            candidates,
            exact,
        }
    }

    /// The entries of a territory filter's places, ascending, when they are few enough that
    /// visiting them beats a scan of every entry (a commune, a QPV, an EPCI, most
    /// départements): a superset of the matches, in entry order, so every loop over it gives
    /// what the scan gives. `None` when the filter has no place or its places hold more than
    /// a quarter of the actors.
    fn candidates(
        &self,
        never: bool,
        communes: Option<&[bool]>,
        qpv: Option<u16>,
    ) -> Option<Vec<u32>> {
        let run = |starts: &[u32], k: usize| starts[k] as usize..starts[k + 1] as usize;
        if never {
            return Some(Vec::new());
        }
        if let Some(q) = qpv {
            return Some(self.by_qpv[run(&self.qpv_starts, usize::from(q))].to_vec());
        }
        let mask = communes?;
        let places: Vec<usize> = (0..mask.len()).filter(|&k| mask[k]).collect();
        let total: usize = places
            .iter()
            .map(|&k| run(&self.commune_starts, k).len())
            .sum();
        if total > self.entries.len() / 4 {
            return None;
        }
        let mut out = Vec::with_capacity(total);
        for &k in &places {
            out.extend_from_slice(&self.by_commune[run(&self.commune_starts, k)]);
        }
        if places.len() > 1 {
            out.sort_unstable();
        }
        Some(out)
    }

    /// Calls `f` with every entry that can match `c` (see [`candidates`](Self::candidates)),
    /// in entry order.
    fn visit(&self, c: &Compiled, mut f: impl FnMut(usize, &Entry)) {
        match &c.candidates {
            Some(list) => {
                for &i in list {
                    f(i as usize, &self.entries[i as usize]);
                }
            }
            None => {
                for (i, e) in self.entries.iter().enumerate() {
                    f(i, e);
                }
            }
        }
    }

    /// The ids matching `filter`, in id order, or in `text_ids`' order (relevance) when the
    /// filter has a text. `text_ids` must be given exactly when `filter.text` is.
    pub fn select(&self, filter: &Filter, text_ids: Option<&[u32]>) -> Vec<u32> {
        self.select_compiled(&self.compile(filter, text_ids, false), text_ids)
    }

    fn select_compiled(&self, c: &Compiled, text_ids: Option<&[u32]>) -> Vec<u32> {
        match text_ids {
            Some(ids) => ids
                .iter()
                .copied()
                .filter(|&id| {
                    let i = (id as usize).wrapping_sub(1);
                    self.entries.get(i).is_some_and(|e| c.all(i, e))
                })
                .collect(),
            None => {
                let mut out = Vec::new();
                self.visit(c, |i, e| {
                    if c.all(i, e) {
                        out.push(i as u32 + 1);
                    }
                });
                out
            }
        }
    }

    /// The size of the selection and the ids of one page of it (order as [`select`](Self::select)).
    pub fn page(
        &self,
        filter: &Filter,
        text_ids: Option<&[u32]>,
        offset: u64,
        limit: u64,
    ) -> (u64, Vec<u32>) {
        if filter.is_empty() {
            let n = self.entries.len() as u64;
            let ids = (offset..n.min(offset.saturating_add(limit)))
                .map(|i| i as u32 + 1)
                .collect();
            return (n, ids);
        }
        if let Some(list) = text_ids
            && list
                .iter()
                .all(|&id| id >= 1 && id as usize <= self.entries.len())
            && *filter
                == (Filter {
                    text: filter.text.clone(),
                    ..Filter::default()
                })
        {
            // A search and nothing else: its list is the answer.
            return (list.len() as u64, window(list, offset, limit).to_vec());
        }
        self.page_compiled(
            &self.compile(filter, text_ids, false),
            text_ids,
            offset,
            limit,
        )
    }

    fn page_compiled(
        &self,
        c: &Compiled,
        text_ids: Option<&[u32]>,
        offset: u64,
        limit: u64,
    ) -> (u64, Vec<u32>) {
        if let (true, Some(list)) = (c.exact, &c.candidates) {
            // A territory's actors, no other filter (a territory page counts them): the
            // candidates are the answer.
            return (
                list.len() as u64,
                window(list, offset, limit).iter().map(|i| i + 1).collect(),
            );
        }
        let mut total = 0u64;
        let mut ids = Vec::new();
        let mut take = |id: u32| {
            if total >= offset && (ids.len() as u64) < limit {
                ids.push(id);
            }
            total += 1;
        };
        match text_ids {
            Some(list) => {
                for &id in list {
                    let i = (id as usize).wrapping_sub(1);
                    if self.entries.get(i).is_some_and(|e| c.all(i, e)) {
                        take(id);
                    }
                }
            }
            None => self.visit(c, |i, e| {
                if c.all(i, e) {
                    take(i as u32 + 1);
                }
            }),
        }
        (total, ids)
    }

    /// The ids of one page of the selection (order as [`select`](Self::select)) without its
    /// size: the walk stops at the page's last actor. For a selection whose size is already
    /// known (kept from an earlier walk: see the snapshot's memo).
    pub fn page_ids(
        &self,
        filter: &Filter,
        text_ids: Option<&[u32]>,
        offset: u64,
        limit: u64,
    ) -> Vec<u32> {
        let c = self.compile(filter, text_ids, false);
        let mut seen = 0u64;
        let mut ids = Vec::new();
        if c.never || limit == 0 {
            return ids;
        }
        // Whether to go on.
        let mut take = |i: usize, e: &Entry| -> bool {
            if c.all(i, e) {
                if seen >= offset {
                    ids.push(i as u32 + 1);
                }
                seen += 1;
            }
            (ids.len() as u64) < limit
        };
        match (text_ids, &c.candidates) {
            (Some(list), _) => {
                for &id in list {
                    let i = (id as usize).wrapping_sub(1);
                    if let Some(e) = self.entries.get(i)
                        && !take(i, e)
                    {
                        break;
                    }
                }
            }
            (None, Some(list)) => {
                for &i in list {
                    if !take(i as usize, &self.entries[i as usize]) {
                        break;
                    }
                }
            }
            (None, None) => {
                for (i, e) in self.entries.iter().enumerate() {
                    if !take(i, e) {
                        break;
                    }
                }
            }
        }
        ids
    }

    /// The facets of a selection (see [`Facets`]).
    pub fn facets(&self, filter: &Filter, text_ids: Option<&[u32]>) -> Facets {
        self.facets_compiled(&self.compile(filter, text_ids, false), text_ids, |_| {})
    }

    /// [`page`](Self::page) and [`facets`](Self::facets) of one selection, in one pass over
    /// it (the directory shows both: a search is walked once, not twice).
    pub fn page_and_facets(
        &self,
        filter: &Filter,
        text_ids: Option<&[u32]>,
        offset: u64,
        limit: u64,
    ) -> (u64, Vec<u32>, Facets) {
        let c = self.compile(filter, text_ids, false);
        let mut seen = 0u64;
        let mut ids = Vec::new();
        let facets = self.facets_compiled(&c, text_ids, |id| {
            if seen >= offset && (ids.len() as u64) < limit {
                ids.push(id);
            }
            seen += 1;
        });
        (facets.total, ids, facets)
    }

    /// Calls `f` with the selection's entries: those of `text_ids` in its order when there
    /// is a text (the text's own test is then skipped: see [`compile`](Self::compile)),
    /// else [`visit`](Self::visit)'s.
    fn visit_selection(
        &self,
        c: &Compiled,
        text_ids: Option<&[u32]>,
        mut f: impl FnMut(usize, &Entry),
    ) {
        match text_ids {
            Some(list) => {
                for &id in list {
                    let i = (id as usize).wrapping_sub(1);
                    if let Some(e) = self.entries.get(i) {
                        f(i, e);
                    }
                }
            }
            None => self.visit(c, f),
        }
    }

    /// The facets of the selection of `c`; `selected` hears the id of every actor selected
    /// (all filters hold), in page order.
    fn facets_compiled(
        &self,
        c: &Compiled,
        text_ids: Option<&[u32]>,
        mut selected: impl FnMut(u32),
    ) -> Facets {
        let mut families = [0u64; 8];
        let mut bands = vec![0u64; self.bands.len()];
        let mut sectors = [0u64; 8];
        let mut employer = [0u64; 2];
        let mut total = 0;
        if !c.never {
            self.visit_selection(c, text_ids, |i, e| {
                if !c.base(i, e) {
                    return;
                }
                let (f, b, s, m) = (c.family(e), c.band(e), c.sector(e), c.employer(e));
                if b && s && m {
                    families[e.family as usize] += 1;
                }
                if f && s && m && e.band != u8::MAX {
                    bands[e.band as usize] += 1;
                }
                if f && b && m {
                    sectors[e.sector as usize] += 1;
                }
                if f && b && s {
                    employer[usize::from(e.flags & EMPLOYER != 0)] += 1;
                }
                if f && b && s && m {
                    total += 1;
                    selected(i as u32 + 1);
                }
            });
        }
        Facets {
            total,
            families: LegalFamily::ALL
                .iter()
                .enumerate()
                .filter(|(_, f)| **f != LegalFamily::Autre)
                .map(|(i, f)| (*f, families[i]))
                .collect(),
            bands: self.bands.iter().cloned().zip(bands).collect(),
            sectors: EssSector::ALL
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, sectors[i]))
                .collect(),
            employer,
        }
    }

    /// Positions (`order` indices) whose key lies in the Z-order run of quadtree cell
    /// (`cx`, `cy`) at `level` (0 ≤ level ≤ 32).
    fn run(&self, level: u8, cx: u64, cy: u64) -> std::ops::Range<usize> {
        self.run_in(level, cx, cy, 0..self.keys.len())
    }

    /// [`run`](Self::run), searched within `within` only: a range of `order` known to hold
    /// the cell's run, such as the run of a quadtree cell that contains it. The searches then
    /// stay in a small, cached part of `keys` rather than jumping across all of it.
    fn run_in(
        &self,
        level: u8,
        cx: u64,
        cy: u64,
        within: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        let side = 1u64 << level;
        if cx >= side || cy >= side {
            return 0..0;
        }
        let shift = 64 - 2 * u32::from(level);
        let prefix = u128::from(morton(cx as u32, cy as u32)) << shift;
        let end = prefix + (1u128 << shift);
        let keys = &self.keys[within.clone()];
        let lo = keys.partition_point(|&k| u128::from(k) < prefix);
        let hi = lo + keys[lo..].partition_point(|&k| u128::from(k) < end);
        within.start + lo..within.start + hi
    }

    /// The clusters of a map tile (see [`TileRequest`]), for the actors matching `filter`.
    pub fn clusters(
        &self,
        tile: &TileRequest,
        filter: &Filter,
        text_ids: Option<&[u32]>,
    ) -> Vec<Cluster> {
        let c = self.compile(filter, text_ids, true);
        if c.never || tile.z > 32 {
            return Vec::new();
        }
        let z = tile.z;
        let tile_span = 1u64 << (32 - u32::from(z));
        let (x0, y0) = (u64::from(tile.x) * tile_span, u64::from(tile.y) * tile_span);
        let scale = f64::from(tile.extent) / tile_span as f64;
        let (ext, buf, cell) = (
            f64::from(tile.extent),
            f64::from(tile.buffer),
            f64::from(tile.cell.max(1)),
        );
        // Cells of the clustering grid, as a quadtree level: `extent / cell` per tile side.
        let per_side = (tile.extent / tile.cell.max(1)).max(1);
        let sub = per_side.trailing_zeros() as u8;
        let cell_level = z + sub;
        let unfiltered = filter.is_empty() && cell_level <= 32 && tile.cell > 1;

        // Cells by grid key; `x`, `y` hold sums until the end.
        let mut out = Cells::new(per_side, tile.buffer <= tile.cell.max(1));
        let add_point = |out: &mut Cells, i: u32, e: &Entry| {
            let tx = (f64::from(e.mx) - x0 as f64) * scale;
            let ty = (f64::from(e.my) - y0 as f64) * scale;
            if tx < -buf || ty < -buf || tx >= ext + buf || ty >= ext + buf {
                return;
            }
            let key = ((tx / cell).floor() as i64, (ty / cell).floor() as i64);
            let slot = out.slot(key);
            slot.count += 1;
            slot.x += tx;
            slot.y += ty;
            slot.single = (slot.count == 1).then_some(i + 1);
        };
        let visit = |out: &mut Cells, range: std::ops::Range<usize>| {
            for k in range {
                let i = self.order[k];
                let e = &self.zentries[k];
                if unfiltered || c.all(i as usize, e) {
                    add_point(out, i, e);
                }
            }
        };
        // The buffer ring: quadtree cells around the tile, the smallest whose side is at
        // least the buffer (level z + 5 for a 128-unit buffer on a 4096-unit tile). Without
        // filters, when their side is the buffer exactly and they fall each within one
        // cluster cell, every actor of a ring cell is in the buffer and in the same cluster:
        // its count and sums come from the prefix sums, like the tile's own cells. Otherwise
        // their actors are binned one by one.
        let ring_sub = (tile.extent / tile.buffer.max(1)).max(1).ilog2() as u8;
        let ring_level = z.saturating_add(ring_sub).min(32);
        let per = 1u64 << (ring_level - z);
        let ring_side = tile.extent / per as u32;
        let whole_cells = unfiltered
            && ring_side == tile.buffer
            && tile.cell >= ring_side
            && tile.cell.is_multiple_of(ring_side);
        let (rx, ry) = (u64::from(tile.x) * per, u64::from(tile.y) * per);
        // Each ring cell once: the rows above and below (corners included), then the columns
        // on either side.
        let last = per as i64;
        let rows = (-1..=last).flat_map(|i| [(i, -1), (i, last)]);
        let columns = (0..last).flat_map(|j| [(-1, j), (last, j)]);
        for (dx, dy) in rows.chain(columns) {
            let (cx, cy) = (rx as i64 + dx, ry as i64 + dy);
            if cx < 0 || cy < 0 {
                continue;
            }
            let r = self.run(ring_level, cx as u64, cy as u64);
            if !whole_cells {
                visit(&mut out, r);
                continue;
            }
            if r.is_empty() {
                continue;
            }
            let n = (r.end - r.start) as u64;
            let key = (
                (dx * i64::from(ring_side)).div_euclid(i64::from(tile.cell)),
                (dy * i64::from(ring_side)).div_euclid(i64::from(tile.cell)),
            );
            let sum_x = (self.sum_x[r.end] - self.sum_x[r.start]) as f64;
            let sum_y = (self.sum_y[r.end] - self.sum_y[r.start]) as f64;
            let slot = out.slot(key);
            slot.count += n;
            slot.x += (sum_x - x0 as f64 * n as f64) * scale;
            slot.y += (sum_y - y0 as f64 * n as f64) * scale;
            slot.single = (slot.count == 1).then(|| self.order[r.start] + 1);
        }
        if unfiltered {
            // Each cell from the prefix sums; its run lies within the tile's.
            let side = u64::from(per_side);
            let (bx, by) = (u64::from(tile.x) * side, u64::from(tile.y) * side);
            let tile_run = self.run(z, u64::from(tile.x), u64::from(tile.y));
            for j in 0..side {
                for i in 0..side {
                    let r = self.run_in(cell_level, bx + i, by + j, tile_run.clone());
                    if r.is_empty() {
                        continue;
                    }
                    let n = (r.end - r.start) as u64;
                    let mean_x = (self.sum_x[r.end] - self.sum_x[r.start]) as f64 / n as f64;
                    let mean_y = (self.sum_y[r.end] - self.sum_y[r.start]) as f64 / n as f64;
                    let single = (n == 1).then(|| self.order[r.start] + 1);
                    *out.slot((i as i64, j as i64)) = Cluster {
                        count: n,
                        x: (mean_x - x0 as f64) * scale * n as f64,
                        y: (mean_y - y0 as f64) * scale * n as f64,
                        single,
                    };
                }
            }
        } else {
            visit(&mut out, self.run(z, u64::from(tile.x), u64::from(tile.y)));
        }
        out.into_sorted()
            .into_iter()
            .map(|c| Cluster {
                x: c.x / c.count as f64,
                y: c.y / c.count as f64,
                ..c
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(lon: f64, lat: f64, family: LegalFamily, commune: &str) -> IndexedActor<'_> {
        IndexedActor {
            family,
            band: Some(if lon > 2.36 { "in" } else { "out" }),
            sector: EssSector::ActionSociale,
            employer: lon > 2.37,
            commune: Some(commune),
            departement: Some(&commune[..2]),
            region: Some("11"),
            epci: Some("200054781"),
            qpv: (lon > 2.36).then_some("QP093028"),
            lon_lat: Some((lon, lat)),
        }
    }

    fn index() -> ActorIndex {
        let mut ix = ActorIndex::default();
        for i in 0..200 {
            let lon = 2.30 + f64::from(i) * 0.0005;
            let family = if i % 4 == 0 {
                LegalFamily::Cooperative
            } else {
                LegalFamily::Association
            };
            ix.push(&actor(
                lon,
                48.93,
                family,
                if i < 100 { "93066" } else { "93001" },
            ));
        }
        ix.push(&IndexedActor {
            lon_lat: None,
            ..actor(0.0, 0.0, LegalFamily::Fondation, "75056")
        });
        ix.finish();
        ix
    }

    /// Brute force: every matching located actor binned by its tile coordinates.
    fn brute(ix: &ActorIndex, t: &TileRequest, f: &Filter) -> Vec<(u64, i64, i64)> {
        let ids = ix.select(f, None);
        let span = (1u64 << (32 - t.z)) as f64;
        let scale = f64::from(t.extent) / span;
        let mut cells: HashMap<(i64, i64), u64> = HashMap::new();
        for id in ids {
            let e = &ix.entries[id as usize - 1];
            if e.flags & LOCATED == 0 {
                continue;
            }
            let tx = (f64::from(e.mx) - f64::from(t.x) * span) * scale;
            let ty = (f64::from(e.my) - f64::from(t.y) * span) * scale;
            let b = f64::from(t.buffer);
            let ext = f64::from(t.extent);
            if tx < -b || ty < -b || tx >= ext + b || ty >= ext + b {
                continue;
            }
            let c = f64::from(t.cell);
            *cells
                .entry(((tx / c).floor() as i64, (ty / c).floor() as i64))
                .or_default() += 1;
        }
        let mut v: Vec<_> = cells.into_iter().map(|(k, n)| (n, k.0, k.1)).collect();
        v.sort_unstable();
        v
    }

    fn summary(cs: &[Cluster], t: &TileRequest) -> Vec<(u64, i64, i64)> {
        let c = f64::from(t.cell);
        let mut v: Vec<_> = cs
            .iter()
            .map(|k| (k.count, (k.x / c).floor() as i64, (k.y / c).floor() as i64))
            .collect();
        v.sort_unstable();
        v
    }

    fn tile_of(z: u8, lon: f64, lat: f64) -> (u32, u32) {
        let (x, y) = mercator(lon, lat);
        let shift = 32 - u32::from(z);
        (
            (u64::from(x) >> shift) as u32,
            (u64::from(y) >> shift) as u32,
        )
    }

    #[test]
    fn clusters_equal_a_brute_force_binning_at_every_zoom() {
        let ix = index();
        for z in [0u8, 5, 9, 12, 14, 16, 18] {
            let (x, y) = tile_of(z, 2.33, 48.93);
            let cell = if z >= 16 { 1 } else { 256 };
            let t = TileRequest {
                z,
                x,
                y,
                extent: 4096,
                buffer: 128,
                cell,
            };
            for f in [
                Filter::default(),
                Filter {
                    families: vec![LegalFamily::Cooperative],
                    ..Filter::default()
                },
            ] {
                let got = ix.clusters(&t, &f, None);
                assert_eq!(summary(&got, &t), brute(&ix, &t, &f), "z{z} {f:?}");
                let n: u64 = got.iter().map(|c| c.count).sum();
                assert!(n > 0, "z{z}");
                for c in got.iter().filter(|c| c.count == 1) {
                    assert!(c.single.is_some());
                }
            }
        }
    }

    #[test]
    fn clusters_of_every_tile_around_equal_a_brute_force_binning() {
        // The buffer ring summed from the prefix sums (no filter) or binned actor by actor
        // (a filter) must give the binning of every actor, in each tile and its neighbours.
        let ix = towns();
        let filters = [
            Filter::default(),
            Filter {
                families: vec![LegalFamily::Association],
                ..Filter::default()
            },
        ];
        let mut compared = 0;
        for z in [3u8, 5, 6, 8, 9, 10, 12, 13, 14, 16] {
            let (x0, y0) = tile_of(z, 2.5, 48.5);
            for (dx, dy) in [(-1i64, -1i64), (0, 0), (1, 0), (0, 1), (-1, 1), (2, 2)] {
                let (Some(x), Some(y)) = (
                    x0.checked_add_signed(dx as i32),
                    y0.checked_add_signed(dy as i32),
                ) else {
                    continue;
                };
                let t = TileRequest {
                    z,
                    x,
                    y,
                    extent: 4096,
                    buffer: 128,
                    cell: if z >= 16 { 1 } else { 256 },
                };
                for f in &filters {
                    let got = ix.clusters(&t, f, None);
                    assert_eq!(summary(&got, &t), brute(&ix, &t, f), "z{z} {x} {y} {f:?}");
                    for c in &got {
                        assert_eq!(c.single.is_some(), c.count == 1, "z{z} {x} {y}");
                    }
                    compared += got.len();
                }
            }
        }
        assert!(compared > 1000, "{compared} clusters compared");
    }

    #[test]
    fn a_tile_next_door_sees_only_its_buffer() {
        let ix = index();
        let (x, y) = tile_of(14, 2.33, 48.93);
        let t = TileRequest {
            z: 14,
            x: x + 3,
            y,
            extent: 4096,
            buffer: 128,
            cell: 256,
        };
        assert_eq!(
            summary(&ix.clusters(&t, &Filter::default(), None), &t),
            brute(&ix, &t, &Filter::default())
        );
    }

    /// 3,000 actors over 40 communes of 4 départements (a few large communes, many small
    /// ones), a tenth of them in one of 6 QPV, with every family, band and employer value.
    fn towns() -> ActorIndex {
        let codes: Vec<String> = (0..40)
            .map(|k| format!("{:02}{:03}", 91 + k % 4, k))
            .collect();
        let qpv: Vec<String> = (0..6).map(|k| format!("QP09100{k}")).collect();
        let mut ix = ActorIndex::default();
        let mut state = 2015u64;
        for _ in 0..3000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (state >> 33) as usize;
            // Communes 0..4 take half the actors.
            let k = if r.is_multiple_of(2) {
                r / 2 % 4
            } else {
                r / 2 % 40
            };
            let family = LegalFamily::ALL[r / 7 % 5];
            ix.push(&IndexedActor {
                family,
                band: Some(["in", "300", "500", "1000", "out"][r / 11 % 5]),
                sector: EssSector::ALL[r / 13 % EssSector::ALL.len()],
                employer: (r / 17).is_multiple_of(2),
                commune: Some(&codes[k]),
                departement: Some(&codes[k][..2]),
                region: Some(if k % 4 < 2 { "11" } else { "32" }),
                epci: Some(if k % 3 == 0 { "200000001" } else { "200000002" }),
                qpv: r.is_multiple_of(10).then(|| qpv[r / 10 % 6].as_str()),
                lon_lat: Some((
                    2.0 + (r % 1000) as f64 * 1e-3,
                    48.0 + (r / 1000 % 1000) as f64 * 1e-3,
                )),
            });
        }
        ix.finish();
        ix
    }

    #[test]
    fn territory_filters_give_what_a_scan_of_every_actor_gives() {
        // The posting lists by commune and QPV only choose which entries are tested: a page,
        // a selection and the facets must be those of a full scan (issue 4, point 6: a
        // territory page counted its actors by scanning all 1.7 M of them).
        let ix = towns();
        let places = [
            Place::Commune("91000".into()),
            Place::Commune("92013".into()),
            Place::Commune("99999".into()),
            Place::Departement("92".into()),
            Place::Region("11".into()),
            Place::Epci("200000002".into()),
            Place::Qpv("QP091003".into()),
            Place::Qpv("QP000000".into()),
        ];
        let mut used = 0;
        for place in places {
            let only = Filter {
                place: Some(place.clone()),
                ..Filter::default()
            };
            let with_others = |families| Filter {
                place: Some(place.clone()),
                families,
                bands: vec!["in".into(), "300".into()],
                ..Filter::default()
            };
            for f in [
                only,
                with_others(vec![]),
                with_others(vec![LegalFamily::Association]),
            ] {
                let fast = ix.compile(&f, None, false);
                // The communes of the place, as the facts of each commune say.
                let of_place = |c: &CommuneFacts| match &place {
                    Place::Region(x) => c.region.as_ref() == Some(x),
                    Place::Departement(x) => c.departement.as_ref() == Some(x),
                    Place::Epci(x) => c.epci.as_ref() == Some(x),
                    Place::Commune(x) => c.code == *x,
                    Place::Qpv(_) => true,
                };
                if let Some(mask) = &fast.communes {
                    let expected: Vec<bool> = ix.communes.iter().map(of_place).collect();
                    assert_eq!(mask, &expected, "{place:?}");
                }
                let mut scan = ix.compile(&f, None, false);
                used += usize::from(fast.candidates.is_some());
                let place_only = f.families.is_empty() && f.bands.is_empty();
                assert_eq!(fast.exact, fast.candidates.is_some() && place_only);
                scan.candidates = None;
                scan.exact = false;
                assert_eq!(
                    ix.select_compiled(&fast, None),
                    ix.select_compiled(&scan, None),
                    "{f:?}"
                );
                assert_eq!(
                    ix.page_compiled(&fast, None, 3, 7),
                    ix.page_compiled(&scan, None, 3, 7),
                    "{f:?}"
                );
                assert_eq!(
                    ix.facets_compiled(&fast, None, |_| {}),
                    ix.facets_compiled(&scan, None, |_| {}),
                    "{f:?}"
                );
            }
        }
        assert!(used >= 15, "the posting lists were used {used} times");
        // A large place (a région with half the actors) is scanned.
        let region = ix.compile(
            &Filter {
                place: Some(Place::Region("11".into())),
                ..Filter::default()
            },
            None,
            false,
        );
        assert!(region.candidates.is_none());
        assert!(!ix.select_compiled(&region, None).is_empty());
    }

    #[test]
    fn pages_counts_and_facets_follow_the_filters() {
        let ix = index();
        let all = Filter::default();
        assert_eq!(ix.page(&all, None, 0, 5), (201, vec![1, 2, 3, 4, 5]));
        let coop = Filter {
            families: vec![LegalFamily::Cooperative],
            ..all.clone()
        };
        let (n, ids) = ix.page(&coop, None, 2, 2);
        assert_eq!((n, ids), (50, vec![9, 13]));
        let in_qpv = Filter {
            place: Some(Place::Qpv("QP093028".into())),
            ..all.clone()
        };
        assert_eq!(ix.select(&in_qpv, None).len(), 79);
        let unknown = Filter {
            place: Some(Place::Qpv("QP000000".into())),
            ..all.clone()
        };
        assert!(ix.select(&unknown, None).is_empty());
        let commune = Filter {
            place: Some(Place::Commune("93001".into())),
            families: vec![LegalFamily::Cooperative],
            ..all.clone()
        };
        assert_eq!(ix.select(&commune, None).len(), 25);
        let facets = ix.facets(&coop, None);
        assert_eq!(facets.total, 50);
        // Families count under the other filters only: all of them here.
        let by = |f| facets.families.iter().find(|x| x.0 == f).unwrap().1;
        assert_eq!(by(LegalFamily::Association), 150);
        assert_eq!(by(LegalFamily::Fondation), 1);
        assert_eq!(facets.employer.iter().sum::<u64>(), 50);
        let text = ix.page(
            &Filter {
                text: Some("x".into()),
                ..all.clone()
            },
            Some(&[7, 3, 999]),
            0,
            10,
        );
        assert_eq!(text, (2, vec![7, 3]));
        let text_only = Filter {
            text: Some("x".into()),
            ..all.clone()
        };
        assert_eq!(
            ix.page(&text_only, Some(&[9, 4, 6, 1]), 1, 2),
            (4, vec![4, 6])
        );
        let bbox = Filter {
            bbox: Some([2.29, 48.9, 2.3101, 48.95]),
            ..all
        };
        assert_eq!(ix.select(&bbox, None), (1..=21).collect::<Vec<_>>());
    }

    #[test]
    fn one_pass_gives_the_page_and_the_facets_of_two() {
        let ix = index();
        let text: Vec<u32> = (1..=201).rev().filter(|i| i % 3 != 0).collect();
        let filters = [
            Filter::default(),
            Filter {
                families: vec![LegalFamily::Cooperative],
                bands: vec!["in".into()],
                ..Filter::default()
            },
            Filter {
                place: Some(Place::Commune("93001".into())),
                ..Filter::default()
            },
            Filter {
                place: Some(Place::Qpv("QP093028".into())),
                employer: Some(true),
                ..Filter::default()
            },
        ];
        for f in filters {
            for with_text in [false, true] {
                let (f, ids) = if with_text {
                    let f = Filter {
                        text: Some("x".into()),
                        ..f.clone()
                    };
                    (f, Some(text.as_slice()))
                } else {
                    (f.clone(), None)
                };
                for (offset, limit) in [(0, 10), (7, 3), (500, 10), (0, 0)] {
                    let (total, page) = ix.page(&f, ids, offset, limit);
                    assert_eq!(ix.page_ids(&f, ids, offset, limit), page, "{f:?}");
                    let facets = ix.facets(&f, ids);
                    assert_eq!(
                        ix.page_and_facets(&f, ids, offset, limit),
                        (total, page, facets),
                        "{f:?} {offset} {limit}"
                    );
                }
            }
        }
    }
}
