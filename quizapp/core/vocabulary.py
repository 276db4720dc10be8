"""Shared word groups for key-point phrasings: ``{increase}`` in a phrasing stands for every way a
student may say "increase", in Chinese and English. Groups keep phrasings short and make every
key point understand the same everyday words; course terms live in the phrasings themselves.

A group is written in the phrasing syntax of :mod:`quizapp.core.phrasing` (alternatives with
``|``, ``*`` to let an English word go on). Add a word here when students use it and a key point
missed it; never add a word that changes meaning in some context.
"""

from __future__ import annotations

GROUPS: dict[str, str] = {
    # -- change --------------------------------------------------------------------------------
    "increase": "增大|扩大|增加|提高|提升|变大|更大|加大|增多|变多|更多|上升|扩展|扩张|放大|"
                "increas*|enlarg*|larger|bigger|grow*|rais*|expand*|boost*|more|higher|widen*",
    "decrease": "减小|减少|降低|缩小|变小|更小|下降|减轻|降|少|"
                "decreas*|reduc*|lower*|smaller|fewer|less|shrink*|cut*|drop*|sav*",
    "keep": "保持|保留|维持|不变|保住|keep*|kept|preserv*|retain*|maintain*|unchanged|stays?|same",
    "lose": "丢失|损失|丢掉|丢弃|失去|lose|loses|losing|lost|loss|discard*|throw* away|drop*",
    "avoid": "避免|防止|缓解|减轻|解决|克服|抑制|avoid*|prevent*|mitigat*|alleviat*|reliev*|solv*|"
             "overcom*|fix*|address*|counter*|suppress*",
    "cause": "导致|造成|引起|使得|使|产生|带来|lead* to|led to|caus*|result* in|giv* rise|mak*|produc*",
    "use": "使用|采用|利用|用|借助|通过|基于|use|uses|used|using|employ*|appl*|adopt*|via|through|with|based on",
    "add": "加上|加|相加|求和|叠加|add*|sum*|plus",
    "compute": "计算|求|算|comput*|calculat*|evaluat*",
    "need": "需要|要求|依赖|必须|需|need*|requir*|depend*|must",
    "no_need": "不需要|无需|不用|不必|不依赖|无须|without|no need|not need*|not requir*|need* no|"
               "requir* no|does not depend|independent",
    "same": "相同|一样|同样|共享|同一|same|identical|shar*",
    "different": "不同|区别|差异|不一样|各自|different|differ*|distinct|vary|varies",
    "fast": "快|加快|加速|更快|迅速|fast*|quick*|speed* up|accelerat*|sooner",
    "slow": "慢|变慢|更慢|缓慢|slow*",
    "big": "大|较大|很大|更大|large*|big*|high*|wide*",
    "small": "小|较小|很小|更小|small*|little|tiny|low*|few*",
    "many": "多|更多|大量|许多|很多|many|more|multiple|several|lots",
    "all": "所有|全部|每个|每一个|各个|整个|all|every|each|whole|entire*",
    # -- things -----------------------------------------------------------------------------------
    "param": "参数|参数量|权重|parameter*|param*|weight*",
    "compute_cost": "计算量|计算开销|运算量|计算成本|计算代价|计算|开销|flops|comput*|cost*|"
                    "operations|macs",
    "rf": "感受野|receptive field*|field of view",
    "resolution": "分辨率|尺寸|大小|resolution*|size*",
    "info": "信息|细节|特征|information|detail*|feature*",
    "gradient": "梯度|gradient*|grad*",
    "pool": "池化|下采样|pool*|subsampl*|downsampl*",
    "maxpool": "最大池化|最大值池化|max pool*|maximum pool*|maxpool*",
    "conv": "卷积|conv*",
    "kernel": "卷积核|核|滤波器|kernel*|filter*",
    "feature_map": "特征图|特征映射|feature map*|activation map*|maps",
    "channel": "通道|channel*",
    "layer": "层|layer*",
    "train": "训练|学习|训练时|train*|learn*|fit*",
    "test": "测试|推理|预测|部署|test*|inferenc*|predict*|deploy*",
    "data": "数据|样本|data|sample*|example*",
    "label": "标签|标注|label*|annotat*|ground truth",
    "model": "模型|网络|model*|network*|net",
    "overfit": "过拟合|overfit*|over fit*",
    "accuracy": "精度|准确率|准确度|正确率|性能|效果|accura*|precision|performanc*|quality",
    "pixel": "像素|逐像素|pixel*|per pixel",
    "object": "目标|物体|对象|实例|object*|instance*|target*",
    "class": "类别|类|种类|class*|categor*",
    "box": "框|边界框|候选框|box*|bounding box*",
    "location": "位置|定位|坐标|location*|position*|locat*|coordinat*",
    "image": "图像|图片|图|image*|picture*|photo*",
    "edge": "边缘|边界|轮廓|edge*|boundar*|contour*",
    "noise": "噪声|噪音|杂点|noise*|noisy",
    "time": "时间|时刻|时间步|time*|step*",
    "memory": "显存|内存|存储|memory|gpu memory|ram|storage",
    "output": "输出|结果|output*|result*",
    "input": "输入|input*",
    "weight_decay": "权重衰减|正则化|weight decay|regulari*",
    "multiply": "乘|相乘|乘以|乘积|multipl*|product|times|scal*",
    "nonlinear": "非线性|nonlinear*|non linear*|nonlinearit*",
    "linear": "线性|linear*",
}
