morgueSearch.load("d-11",{"zd":"SxP[}DT7r0WRR}sZVP88=urDDLE-6x!!"});
