import csv,numpy as np,sys
lab={}
for r in csv.DictReader(open('./cache.csv')): lab[(r['id'],r['condition'],r['geometry'],r['cell'])]=r
V=list(csv.DictReader(open(sys.argv[1])))
def key(n):
    p=n[:-4].split('_'); return (p[0],p[1],p[2]+'_'+p[3],p[4])
for g in ['WHOLE_256','WHOLE_160','CROP_112']:
    sh=np.array([float(v['psnr_change']) for v in V if key(v['name'])[1]=='SHARP' and key(v['name'])[2]==g])
    sev_sh=np.array([float(v['severity']) for v in V if key(v['name'])[1]=='SHARP' and key(v['name'])[2]==g])
    print(g,'sharp n',len(sh),'change pct 0.5/1/5/50: %.1f %.1f %.1f %.1f'%tuple(np.percentile(sh,[0.5,1,5,50])),'sev>=0.5: %.3f'%(sev_sh>=.5).mean())
    for cell in ['8','9','10','11']:
        rows=[(float(v['psnr_change']),float(v['severity']),float(lab[key(v['name'])]['psnr_smfd'])-float(lab[key(v['name'])]['psnr_in'])) for v in V if key(v['name'])[1]=='MATRIX' and key(v['name'])[2]==g and key(v['name'])[3]==cell]
        a=np.array(rows); pos=a[:,2]>=0.5
        thr=np.percentile(sh,1)
        passed_sev=a[:,1]<0.5
        print('  cell',cell,'n',len(a),'gainers',pos.sum(),'missed by severity',(passed_sev&pos).sum(),
              '| change of gainers pct 50/95/max: %.1f %.1f %.1f'%tuple(np.percentile(a[pos,0],[50,95,100])),
              '| missed if verify (sev<0.5 & change>thr1%%=%.1f): %d'%(thr,(passed_sev&pos&(a[:,0]>thr)).sum()))
